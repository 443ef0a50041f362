// Copies the files tsc does not emit (icons and codex JSON) next to the built nodes in dist/.
const { src, dest } = require('gulp');

function copyIcons() {
	return src(['nodes/**/*.{svg,png}', 'nodes/**/*.node.json', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:icons'] = copyIcons;
