// Loads the dashboard (React and Ink) only when it is wanted, and always React's production build.
//
// React picks its build from NODE_ENV when it is first loaded. The development build records a
// performance measurement for every component render, which under a log flood costs most of the
// CPU and grows memory without bound; and developers often run with NODE_ENV=development. So
// NODE_ENV is 'production' while the modules load, then put back exactly as it was: the app
// inherits devtui's environment and must see the user's own value.

const withProductionReact = async <T>(env: NodeJS.ProcessEnv, load: () => Promise<T>): Promise<T> => {
	const had = Object.hasOwn(env, 'NODE_ENV');
	const previous = env.NODE_ENV;
	env.NODE_ENV = 'production';
	try {
		return await load();
	} finally {
		if (had) env.NODE_ENV = previous;
		else delete env.NODE_ENV;
	}
};

export const loadDashboard = async (env: NodeJS.ProcessEnv): Promise<typeof import('./run-dashboard.js')> =>
	withProductionReact(env, () => import('./run-dashboard.js'));

/** The dashboard of a stack of services (the services pane beside one app's panes). */
export const loadStackDashboard = async (env: NodeJS.ProcessEnv): Promise<typeof import('./run-stack-dashboard.js')> =>
	withProductionReact(env, () => import('./run-stack-dashboard.js'));
