import {describe, expect, it} from 'vitest';
import {DARK_THEME, escapeXml, frameToSvg, paletteColor, readFrame} from '../helpers/frame-to-svg.js';

const ESC = '\x1b[';
const texts = (svg: string): string[] => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map(match => match[1]!);
const textTag = (svg: string, content: string): string => {
	const tag = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].find(match => match[1] === content);
	if (!tag) throw new Error(`no <text> with ${content} in\n${svg}`);
	return tag[0];
};

describe('frameToSvg', () => {
	it('draws a window: rounded background, title bar with the title, one text per styled run', async () => {
		const svg = await frameToSvg(`plain ${ESC}1mbold${ESC}22m`, {columns: 20, title: 'my <app>'});
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		expect(svg).toMatch(/<rect width="\d+" height="\d+" rx="8" ry="8" fill="#1e1e1e"\/>/);
		expect(svg).toContain('>my &lt;app&gt;</text>');
		expect(texts(svg)).toEqual(['my &lt;app&gt;', 'plain', 'bold']);
		expect(textTag(svg, 'bold')).toContain('font-weight="bold"');
		expect(textTag(svg, 'plain')).not.toContain('font-weight');
		expect(svg).toContain('font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14"');
	});

	it('uses the 16 ANSI colours, the 256-colour palette and true colour, for text and backgrounds', async () => {
		const frame = `${ESC}31mred${ESC}39m ${ESC}91mbright${ESC}39m ${ESC}38;5;208morange${ESC}39m ${ESC}38;5;244mgrey${ESC}39m ${ESC}38;2;1;2;3mrgb${ESC}39m ${ESC}42m bg ${ESC}49m`;
		const svg = await frameToSvg(frame, {columns: 60});
		expect(textTag(svg, 'red')).toContain(`fill="${DARK_THEME.ansi[1]}"`);
		expect(textTag(svg, 'bright')).toContain(`fill="${DARK_THEME.ansi[9]}"`);
		expect(textTag(svg, 'orange')).toContain('fill="#ff8700"');
		expect(textTag(svg, 'grey')).toContain('fill="#808080"');
		expect(textTag(svg, 'rgb')).toContain('fill="#010203"');
		expect(textTag(svg, 'bg')).toContain(`fill="${DARK_THEME.foreground}"`);
		expect(svg).toMatch(new RegExp(`<rect x="[\\d.]+" y="0" width="33.6" height="17" fill="${DARK_THEME.ansi[2]}"/>`));
	});

	it('maps the palette as xterm does', () => {
		expect([0, 15, 16, 196, 231, 232, 255].map(index => paletteColor(index))).toEqual([
			DARK_THEME.ansi[0],
			DARK_THEME.ansi[15],
			'#000000',
			'#ff0000',
			'#ffffff',
			'#080808',
			'#eeeeee',
		]);
	});

	it('swaps colours for inverse, including the default ones', async () => {
		const svg = await frameToSvg(`${ESC}7m default ${ESC}27m ${ESC}31;7m red ${ESC}0m`, {columns: 30});
		expect(textTag(svg, 'default')).toContain(`fill="${DARK_THEME.background}"`);
		expect(svg).toContain(`width="75.6" height="17" fill="${DARK_THEME.foreground}"/>`);
		expect(svg).toContain(`width="42" height="17" fill="${DARK_THEME.ansi[1]}"/>`);
		expect(textTag(svg, 'red')).toContain(`fill="${DARK_THEME.background}"`);
	});

	it('marks dim, italic, underline and strikethrough', async () => {
		const svg = await frameToSvg(`${ESC}2mdim${ESC}22m ${ESC}3mitalic${ESC}23m ${ESC}4munder${ESC}24m ${ESC}9mstrike${ESC}29m`, {columns: 40});
		expect(textTag(svg, 'dim')).toContain('fill-opacity="0.6"');
		expect(textTag(svg, 'italic')).toContain('font-style="italic"');
		expect(textTag(svg, 'under')).toContain('text-decoration="underline"');
		expect(textTag(svg, 'strike')).toContain('text-decoration="line-through"');
	});

	it('escapes XML special characters in the text', async () => {
		const svg = await frameToSvg(`<script> & "quotes" 'x'`, {columns: 40});
		expect(texts(svg)).toEqual(['devtui', '&lt;script&gt; &amp; &quot;quotes&quot; &apos;x&apos;']);
		expect(svg).not.toContain('<script>');
		expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
	});

	it('places wide characters on two cells and starts each frame line at column 0', async () => {
		const screen = await readFrame(`中文${ESC}31mx${ESC}39m\nnext`, {columns: 10});
		expect(screen).toHaveLength(2);
		expect(screen[0]![0]).toMatchObject({column: 0, width: 4, text: '中文'});
		expect(screen[0]![1]).toMatchObject({column: 4, width: 1, text: 'x', style: {fg: DARK_THEME.ansi[1]}});
		expect(screen[1]![0]).toMatchObject({column: 0, text: expect.stringMatching(/^next +$/)});
		const svg = await frameToSvg(`中文${ESC}31mx${ESC}39m`, {columns: 10});
		expect(textTag(svg, 'x')).toContain(`x="33.6"`);
	});

	it('sizes the picture from columns and rows, and shows the bottom of a frame taller than the rows', async () => {
		const small = await frameToSvg('a\nb', {columns: 10});
		const tall = await frameToSvg('a\nb', {columns: 10, rows: 6});
		const height = (svg: string) => Number(/height="(\d+)"/.exec(svg)![1]);
		expect(height(tall) - height(small)).toBe(4 * 17);
		expect(texts(await frameToSvg('one\ntwo\nthree', {columns: 10, rows: 2}))).toEqual(['devtui', 'two', 'three']);
	});

	it('is deterministic: the same frame gives the same bytes', async () => {
		const frame = `${ESC}1;32m● running${ESC}0m pid 42\n${ESC}2mlog line${ESC}22m`;
		const first = await frameToSvg(frame, {columns: 40, rows: 4});
		expect(await frameToSvg(frame, {columns: 40, rows: 4})).toBe(first);
		expect(first).not.toMatch(/\d{4}-\d{2}-\d{2}|id="/);
	});
});
