// `npm run lint:links`, second pass: images addressed as
// https://raw.githubusercontent.com/<repository>/<branch>/… (so that they show on the npm page)
// exist in this repository. Same plugin, pointed at the raw host.
import { repository, repositoryPath, root } from './repository.mjs';

export default {
	plugins: [
		[
			'remark-validate-links',
			{
				repository,
				root,
				urlConfig: {
					hostname: 'raw.githubusercontent.com',
					prefix: `${repositoryPath}/`,
					headingPrefix: '#',
					lines: false,
				},
			},
		],
	],
};
