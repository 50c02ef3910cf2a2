/** A blog post. The example keeps its posts in code; comments and accounts live in the database. */
export interface Post {
  slug: string;
  title: string;
  date: string;
  /** Paragraphs of plain text. */
  paragraphs: readonly string[];
}

export const POSTS: readonly Post[] = [
  {
    slug: 'tomatoes-on-a-balcony',
    title: 'Growing tomatoes on a small balcony',
    date: '2025-05-12',
    paragraphs: [
      'A balcony of two square metres grew eleven kilos of tomatoes last summer. The secret is not the variety but the pot: anything under twenty litres dries out by noon in July.',
      'Start the seedlings indoors in March, harden them off for a week in May, and plant them deep: a tomato grows roots along any part of the stem that is buried. Cherry varieties forgive a windy corner better than beefsteaks.',
      'Water in the morning, at the base, and feed every second week once the first truss has set. Pinch out the side shoots of cordon varieties; leave bush varieties alone.',
      "What grows on your balcony? Tell us below: the best tips end up in next spring's post.",
    ],
  },
  {
    slug: 'saving-seeds',
    title: 'Saving your own tomato seeds',
    date: '2025-09-02',
    paragraphs: [
      'Pick the best fruit of your healthiest plant, let it ripen fully, and squeeze the seeds with their jelly into a jar.',
      'Add a little water and leave it for three days: the fermentation removes the gel that keeps seeds from sprouting in the fruit. Rinse, dry on a plate, and store them in a paper envelope.',
      'Open-pollinated varieties come back true to type; hybrids (marked F1) will not.',
    ],
  },
];

export function findPost(slug: unknown): Post | undefined {
  return POSTS.find((post) => post.slug === slug);
}

/** The post's text, sent to CleanTalk so it can judge whether a comment is on topic. */
export function postText(post: Post): string {
  return [post.title, ...post.paragraphs].join('\n\n');
}
