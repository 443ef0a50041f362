/** Matches method + path against route patterns with :params. Trailing slashes are tolerated. */
import type { Route } from '../routes/types';

export interface RouteMatch {
	route: Route;
	params: Record<string, string>;
}

export function matchRoute(
	routes: readonly Route[],
	method: string,
	path: string,
): RouteMatch | undefined {
	const segments = split(path);
	if (segments === undefined) return undefined;
	for (const route of routes) {
		if (route.method !== method) continue;
		const params = matchSegments(split(route.pattern) ?? [], segments);
		if (params) return { route, params };
	}
	return undefined;
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
	if (pattern.length !== segments.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < pattern.length; i++) {
		if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = segments[i];
		else if (pattern[i] !== segments[i]) return undefined;
	}
	return params;
}

/** Decoded, non-empty segments; undefined when the path has bad percent-encoding or empty segments. */
function split(path: string): string[] | undefined {
	const trimmed = path.replace(/^\//, '').replace(/\/$/, '');
	if (trimmed === '') return [];
	const parts = trimmed.split('/');
	try {
		const decoded = parts.map((part) => decodeURIComponent(part));
		return decoded.some((part) => part === '') ? undefined : decoded;
	} catch {
		return undefined;
	}
}
