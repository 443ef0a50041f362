// The repository named in package.json: links to it as full GitHub URLs (the only kind that works on
// both the npm page and GitHub) are checked against the files here, offline.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** `git+https://github.com/owner/name.git` → `https://github.com/owner/name` */
export const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** `/owner/name` */
export const repositoryPath = new URL(repository).pathname;

/** The repository root (the folder above this one). */
export const root = new URL('..', import.meta.url).pathname;
