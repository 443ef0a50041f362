/**
 * prepublishOnly: only the release workflow (.github/workflows/release.yml) publishes. It refuses
 * unless npm runs in GitHub Actions, with provenance, for a tag v<version of package.json>.
 *
 * The committed .npmrc sets ignore-scripts=true, which skips this script on a plain local
 * `npm publish`; there, publishConfig.provenance makes npm itself refuse ("Automatic provenance
 * generation not supported"). The workflow publishes with --ignore-scripts=false so this runs.
 */
const env = process.env;
const version = env.npm_package_version ?? '';
const problems: string[] = [];
if (env.GITHUB_ACTIONS !== 'true') problems.push('it is not running in GitHub Actions');
if (env.npm_config_provenance !== 'true') problems.push('npm publish was not given --provenance');
if (env.GITHUB_REF_TYPE !== 'tag' || env.GITHUB_REF_NAME !== `v${version}`) {
	const ref = env.GITHUB_REF_TYPE ? `${env.GITHUB_REF_TYPE} ${env.GITHUB_REF_NAME ?? ''}` : 'none';
	problems.push(`it was not started by the tag v${version} (ref: ${ref})`);
}
if (problems.length > 0) {
	process.stderr.write(
		`Refusing to publish ${env.npm_package_name ?? 'this package'}@${version}: ${problems.join('; ')}.\n` +
			'Releases are published by .github/workflows/release.yml when a version tag is pushed (docs/development.md: Releasing).\n',
	);
	process.exit(1);
}
process.stdout.write(
	`Publishing ${env.npm_package_name}@${version} from ${env.GITHUB_REF_NAME} with provenance.\n`,
);
