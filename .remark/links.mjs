// `npm run lint:links`, first pass: every relative link, every #anchor, and every
// https://github.com/<repository>/blob/<branch>/… link in the Markdown resolves to a file
// (and heading) in this repository. remark-validate-links never goes to the network.
import { repository, root } from './repository.mjs';

export default {
	plugins: [['remark-validate-links', { repository, root }]],
};
