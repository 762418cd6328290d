// The root: the only component that reads the terminal size. It lays the screen out (the state
// pane only for an app that has state, the services pane for a stack of several), binds the keys,
// and renders the dashboard at that size.

import {computeLayout} from '../src/store/layout.js';
import {hasState} from '../src/store/selectors.js';
import {logPrefixWidth} from '../src/store/stack-view.js';
import {useStack} from '../src/hooks/stack-context.js';
import {useDashboard} from '../src/hooks/use-dashboard.js';
import {useKeymap} from '../src/hooks/use-keymap.js';
import {useTerminalSize} from '../src/hooks/use-terminal-size.js';
import {Dashboard} from './Dashboard.js';

export const App = () => {
	const {columns, rows} = useTerminalSize();
	const state = useDashboard();
	const stack = useStack();
	const inspector = hasState(state);
	// One row short of the terminal: a frame as tall as the screen makes Ink clear the whole
	// terminal on every render, which flickers.
	const layout = computeLayout(columns, Math.max(1, rows - 1), {
		inspector,
		...(stack ? {services: stack.order.length, focus: state.ui.focus, logPrefix: logPrefixWidth(stack)} : {}),
	});
	useKeymap(layout);
	return <Dashboard layout={layout} />;
};
