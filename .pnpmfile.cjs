// better-sqlite3 (examples/fastify-comments) is built from source by node-gyp when no prebuilt binary
// can be downloaded. node-gyp then downloads Node's headers too, unless it is told where they are:
// point it at the headers that come with the running Node (official builds, nvm and Debian's nodejs
// ship them in <prefix>/include/node), so that an install without internet access builds as well.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

module.exports = {
  hooks: {
    updateConfig(config) {
      const prefix = dirname(dirname(process.execPath));
      if (process.env.npm_config_nodedir || !existsSync(join(prefix, 'include', 'node', 'node.h'))) {
        return config;
      }
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: prefix } };
    },
  },
};
