// Small statistics and a Markdown table printer.
const sorted = values => [...values].sort((a, b) => a - b);

export const quantile = (values, q) => {
	if (values.length === 0) return NaN;
	const s = sorted(values);
	return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? s[0];
};
export const median = values => {
	if (values.length === 0) return NaN;
	const s = sorted(values);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
export const p90 = values => quantile(values, 0.9);
export const max = values => (values.length ? Math.max(...values) : NaN);
export const mean = values => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);

export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
export const ratio = (value, base) => (Number.isFinite(value) && Number.isFinite(base) && base > 0 ? `${(value / base).toFixed(2)}×` : '–');

export const table = (headers, rows) => {
	const line = cells => `| ${cells.join(' | ')} |`;
	return [line(headers), line(headers.map((_, index) => (index === 0 ? '---' : '---:'))), ...rows.map(row => line(row.map(String)))].join('\n');
};
