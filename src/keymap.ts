// Every key the dashboard understands, as named commands, in one place. The key handler resolves a
// press to a command here; the footer and the help overlay list the same bindings, so what is
// shown is always what works.

import type {PaneId} from './store/state.js';

export type CommandId =
	| 'restart'
	| 'postpone'
	| 'forceKill'
	| 'quit'
	| 'interrupt'
	| 'focusNext'
	| 'focusPrevious'
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'home'
	| 'end'
	| 'toggle'
	| 'snapshots'
	| 'filter'
	| 'filterApply'
	| 'filterClear'
	| 'filterDelete'
	| 'wrap'
	| 'help'
	| 'close'
	| 'restartAll'
	| 'holdAll'
	| 'servicePrevious'
	| 'serviceNext'
	| 'serviceNumber'
	| 'logScope';

/** The parts of Ink's Key that bindings look at. */
export interface KeyFlags {
	upArrow?: boolean;
	downArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	home?: boolean;
	end?: boolean;
	return?: boolean;
	escape?: boolean;
	ctrl?: boolean;
	meta?: boolean;
	shift?: boolean;
	tab?: boolean;
	backspace?: boolean;
	delete?: boolean;
}

type NamedKey = Exclude<keyof KeyFlags, 'ctrl' | 'meta' | 'shift'>;

type Matcher = {input: string} | {key: NamedKey; shift?: boolean} | {ctrl: string};

export type KeyMode = 'normal' | 'filter' | 'help';

export interface KeyContext {
	mode: KeyMode;
	focus: PaneId;
	browserOpen: boolean;
	filterApplied: boolean;
	held: boolean;
	/** devtui is quitting: q and Ctrl-C now force-kill. */
	quitting: boolean;
	/** A pre-restart check failed: r restarts anyway. */
	checkFailed?: boolean;
	/** App lines wrap (w cuts them instead). @default true */
	wrap?: boolean;
	/** A stack of several services is shown (its keys work); absent for one app. */
	stack?: StackKeyContext;
}

export interface StackKeyContext {
	focused?: string;
	/** Every service holds its restarts: P releases them all. */
	allHeld: boolean;
	logScope: 'all' | 'focused';
}

export interface Binding {
	command: CommandId;
	keys: readonly Matcher[];
	/** How the keys are written in the footer and the help overlay. */
	label: string;
	/** The help overlay's line; empty for the second half of a pair (↑ beside ↓). */
	help: string;
	/** The help overlay's line when a stack is shown, where it differs (r acts on the focused service). */
	stackHelp?: string;
	/** The footer's word, when the footer shows this binding in the context. */
	hint?: string | ((context: KeyContext) => string);
	section: 'app' | 'services' | 'panes' | 'logs' | 'inspector';
	/** @default ['normal'] */
	modes?: readonly KeyMode[];
	when?: (context: KeyContext) => boolean;
}

const everywhere: readonly KeyMode[] = ['normal', 'help'];
const inTree = (context: KeyContext) => context.focus === 'inspector';
const inStack = (context: KeyContext) => context.stack !== undefined;
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map(input => ({input}));

export const BINDINGS: readonly Binding[] = [
	{
		command: 'restart',
		keys: [{input: 'r'}],
		label: 'r',
		help: 'restart now (held changes included), even if a check failed',
		stackHelp: 'restart the focused service now (held changes included), even if a check failed',
		hint: context => (context.checkFailed ? 'restart anyway' : 'restart'),
		section: 'app',
		modes: everywhere,
	},
	{
		command: 'postpone',
		keys: [{input: 'p'}],
		label: 'p',
		help: 'postpone: hold restarts while changes pile up; again to release (one restart)',
		stackHelp: "hold the focused service's restarts while changes pile up; again to release",
		hint: context => (context.held ? 'release' : 'hold'),
		section: 'app',
		modes: everywhere,
	},
	{
		command: 'forceKill',
		keys: [{input: 'k'}],
		label: 'k',
		help: 'force-kill the app now (SIGKILL to its group)',
		stackHelp: 'force-kill the focused service now (SIGKILL to its group)',
		hint: 'kill',
		section: 'app',
		modes: everywhere,
	},
	{
		command: 'quit',
		keys: [{input: 'q'}],
		label: 'q',
		help: 'quit gracefully; a second q force-kills and quits',
		hint: context => (context.quitting ? 'force quit' : 'quit'),
		section: 'app',
		modes: everywhere,
	},
	{command: 'restartAll', keys: [{input: 'R'}], label: 'R', help: 'restart every service, in dependency order', hint: 'restart all', section: 'services', modes: everywhere, when: inStack},
	{
		command: 'holdAll',
		keys: [{input: 'P'}],
		label: 'P',
		help: "hold every service's restarts; again to release them all",
		hint: context => (context.stack?.allHeld ? 'release all' : 'hold all'),
		section: 'services',
		modes: everywhere,
		when: inStack,
	},
	{command: 'servicePrevious', keys: [{input: '['}], label: '[ ]', help: 'focus the previous / next service (↑↓ in the services pane)', hint: 'service', section: 'services', when: inStack},
	{command: 'serviceNext', keys: [{input: ']'}], label: ']', help: '', section: 'services', when: inStack},
	{command: 'serviceNumber', keys: DIGITS, label: '1-9', help: 'focus the service of that number', section: 'services', when: inStack},
	{
		command: 'logScope',
		keys: [{input: 'l'}],
		label: 'l',
		help: "the log: every service's lines, or only the focused service's",
		hint: context => (context.stack?.logScope === 'focused' ? 'all logs' : `only ${context.stack?.focused ?? 'one'}`),
		section: 'services',
		when: inStack,
	},
	{command: 'interrupt', keys: [{ctrl: 'c'}], label: 'ctrl+c', help: 'quit, like q (a second one force-kills)', section: 'app', modes: ['normal', 'help', 'filter']},
	{command: 'focusNext', keys: [{key: 'tab'}], label: 'tab/shift+tab', help: 'focus the next pane (shift+tab: the previous)', hint: 'pane', section: 'panes'},
	{command: 'focusPrevious', keys: [{key: 'tab', shift: true}], label: 'shift+tab', help: '', section: 'panes'},
	{command: 'up', keys: [{key: 'upArrow'}], label: '↑↓', help: 'scroll, or move the cursor', hint: 'scroll', section: 'panes'},
	{command: 'down', keys: [{key: 'downArrow'}], label: '↓', help: '', section: 'panes'},
	{command: 'pageUp', keys: [{key: 'pageUp'}], label: 'PgUp/PgDn', help: 'scroll a page', section: 'panes'},
	{command: 'pageDown', keys: [{key: 'pageDown'}], label: 'PgDn', help: '', section: 'panes'},
	{command: 'home', keys: [{key: 'home'}], label: 'Home/End', help: 'top / bottom (End follows the log again)', section: 'panes'},
	{command: 'end', keys: [{key: 'end'}], label: 'End', help: '', hint: 'follow', section: 'panes', when: c => c.focus === 'logs'},
	{command: 'filter', keys: [{input: '/'}], label: '/', help: 'filter the logs: type, enter to apply, esc to clear', hint: 'filter', section: 'logs'},
	{
		command: 'wrap',
		keys: [{input: 'w'}],
		label: 'w',
		help: "wrap long log lines, or cut them at the edge (devtui's own lines always wrap)",
		hint: context => (context.wrap === false ? 'wrap' : 'no wrap'),
		section: 'logs',
	},
	{command: 'filterApply', keys: [{key: 'return'}], label: 'enter', help: '', hint: 'apply', section: 'logs', modes: ['filter']},
	{command: 'filterClear', keys: [{key: 'escape'}], label: 'esc', help: '', hint: 'clear', section: 'logs', modes: ['filter']},
	{command: 'filterDelete', keys: [{key: 'backspace'}, {key: 'delete'}], label: '⌫', help: '', section: 'logs', modes: ['filter']},
	{
		command: 'toggle',
		keys: [{key: 'return'}, {input: ' '}],
		label: 'enter/space',
		help: 'expand or collapse; in the snapshot browser: load it on the next start',
		hint: context => (context.browserOpen ? 'load on next start' : 'expand'),
		section: 'inspector',
		when: inTree,
	},
	{
		command: 'snapshots',
		keys: [{input: 's'}],
		label: 's',
		help: 'snapshot browser (state history) on or off',
		hint: context => (context.browserOpen ? 'tree' : 'snapshots'),
		section: 'inspector',
	},
	{
		command: 'close',
		keys: [{key: 'escape'}],
		label: 'esc',
		help: 'close the help, the snapshot browser, or clear the filter',
		hint: context => (context.mode === 'help' ? 'close' : context.browserOpen ? 'close' : 'clear filter'),
		section: 'panes',
		modes: everywhere,
		when: context => context.mode === 'help' || (context.focus === 'inspector' && context.browserOpen) || context.filterApplied,
	},
	{command: 'help', keys: [{input: '?'}], label: '?', help: 'this help', hint: 'help', section: 'panes', modes: everywhere},
];

const matches = (matcher: Matcher, input: string, key: KeyFlags): boolean => {
	if ('ctrl' in matcher) return key.ctrl === true && input === matcher.ctrl;
	if ('input' in matcher) return input === matcher.input && !key.ctrl && !key.meta;
	if (!key[matcher.key]) return false;
	return matcher.key === 'tab' ? Boolean(key.shift) === Boolean(matcher.shift) : true;
};

export const isActive = (binding: Binding, context: KeyContext): boolean =>
	(binding.modes ?? ['normal']).includes(context.mode) && (binding.when?.(context) ?? true);

export type Resolved = {command: Exclude<CommandId, 'serviceNumber'>} | {command: 'filterType'; text: string} | {command: 'serviceNumber'; index: number};

// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001F\u007F]+$/;

/** Every binding this press matches in this context (more than one would be a conflict). */
export const matchingBindings = (input: string, key: KeyFlags, context: KeyContext): Binding[] =>
	BINDINGS.filter(binding => isActive(binding, context) && binding.keys.some(matcher => matches(matcher, input, key)));

/**
 * Splits one chunk of input into key presses. A terminal delivers keys typed faster than the app
 * reads them, or pasted, as one chunk ("/error\r"), which Ink passes on as a single input; read
 * whole, it would match no binding and the keys would be lost.
 */
export const splitPresses = (input: string, key: KeyFlags): Array<[string, KeyFlags]> => {
	if ([...input].length <= 1 || key.ctrl || key.meta || !/^[^\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F]+$/.test(input)) return [[input, key]];
	return [...input].map(char => (char === '\r' || char === '\n' ? ['', {return: true}] : [char, {}]));
};

/** The command a key press means in this context, or undefined when it means nothing. */
export const resolveKey = (input: string, key: KeyFlags, context: KeyContext): Resolved | undefined => {
	const [binding] = matchingBindings(input, key, context);
	if (binding?.command === 'serviceNumber') return {command: 'serviceNumber', index: Number(input) - 1};
	if (binding) return {command: binding.command};
	if (context.mode === 'filter' && !key.ctrl && !key.meta && PRINTABLE.test(input)) return {command: 'filterType', text: input};
	return undefined;
};

export interface Hint {
	label: string;
	hint: string;
	/** Shown however narrow the footer: quitting and the help that lists the rest. */
	keep?: boolean;
}

// The way out and the way to every other key never leave the footer.
const KEPT: readonly CommandId[] = ['quit', 'help'];

// Context keys first (what the focused pane offers), then the app's, then help last.
const FOOTER_ORDER: readonly CommandId[] = [
	'filterApply',
	'filterClear',
	'toggle',
	'snapshots',
	'filter',
	'close',
	'up',
	'end',
	'servicePrevious',
	'restart',
	'postpone',
	'forceKill',
	'restartAll',
	'holdAll',
	'quit',
	'focusNext',
	'logScope',
	'wrap',
	'help',
];

const inFooter = (binding: Binding, context: KeyContext): boolean => {
	if (binding.section === 'logs' && context.focus !== 'logs' && context.mode === 'normal') return false;
	if (binding.command === 'snapshots' && context.focus !== 'inspector') return false;
	return true;
};

/** The footer's hints for this context, most relevant first. */
export const footerHints = (context: KeyContext): Hint[] =>
	FOOTER_ORDER.flatMap(command => {
		const binding = BINDINGS.find(entry => entry.command === command && isActive(entry, context));
		if (!binding?.hint || !inFooter(binding, context)) return [];
		const hint = typeof binding.hint === 'function' ? binding.hint(context) : binding.hint;
		// "enter/space" shows as "enter" in the footer; the help overlay has the full label.
		const label = binding.label.length > 1 ? binding.label.split('/')[0]! : binding.label;
		return [KEPT.includes(command) ? {label, hint, keep: true} : {label, hint}];
	});

/** The key context of a dashboard state (the focused service's view, for a stack, with the stack's part). */
export const keyContextOf = (
	state: {
		ui: {focus: PaneId; help: boolean; filter: {editing: boolean; applied: string}; browser: {open: boolean}; wrap?: boolean};
		held: boolean;
		quitting?: unknown;
		check?: {status: string};
	},
	stack?: StackKeyContext,
): KeyContext => ({
	mode: state.ui.filter.editing ? 'filter' : state.ui.help ? 'help' : 'normal',
	focus: state.ui.focus,
	browserOpen: state.ui.browser.open,
	filterApplied: state.ui.filter.applied !== '',
	held: state.held,
	quitting: state.quitting !== undefined,
	...(state.check?.status === 'failed' ? {checkFailed: true} : {}),
	...(state.ui.wrap === false ? {wrap: false} : {}),
	...(stack ? {stack} : {}),
});
