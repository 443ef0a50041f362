// The scanner ships as untyped ESM; this is the one export scripts/scan-package.ts uses.
declare module '@n8n/scan-community-package/scanner/scanner.mjs' {
	export function analyzePackage(
		dir: string,
		filePatterns?: string[],
	): Promise<{ passed: boolean; message?: string; details?: string }>;
}
