export declare const chromiumExecutable: string;
export declare const chromiumArgs: readonly string[];
export declare function chromiumLaunchOptions(): { executablePath: string; headless: true; args: string[] };
