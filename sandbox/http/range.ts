/**
 * Single byte-range requests (RFC 9110). Like the `range-parser` package used by most Node servers:
 * a header we cannot read (another unit, bad syntax, several ranges) is ignored and the whole body
 * is sent; a readable range that misses the body is unsatisfiable (416).
 */
export type RangeResult =
	| { kind: 'none' }
	| { kind: 'partial'; start: number; end: number }
	| { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined, size: number): RangeResult {
	if (header === undefined) return { kind: 'none' };
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match || (match[1] === '' && match[2] === '')) return { kind: 'none' };
	const [, first, last] = match;
	if (first === '') {
		const suffix = Number(last);
		if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
		return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(first);
	const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
	if (start >= size || start > end) return { kind: 'unsatisfiable' };
	return { kind: 'partial', start, end };
}
