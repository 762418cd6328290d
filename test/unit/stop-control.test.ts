import {describe, expect, it} from 'vitest';
import {StopControl} from '../../src/supervisor/stop-process.js';

describe('StopControl.extend', () => {
	const begun = (deadline: number) => {
		const control = new StopControl();
		control.deadline = deadline;
		return control;
	};

	it('moves the deadline to the request, never earlier than it was', () => {
		const control = begun(10_000);
		expect(control.extend(8_000, 5_000, 60_000)).toEqual({grantedMs: 3_000, deadline: 13_000});
		expect(control.extend(1_000, 5_000, 60_000)).toEqual({grantedMs: 0, deadline: 13_000});
	});

	it('caps every extension together at the first deadline plus the cap', () => {
		const control = begun(10_000);
		control.extend(30_000, 5_000, 60_000);
		control.extend(30_000, 40_000, 60_000);
		expect(control.extend(30_000, 65_000, 60_000)).toEqual({grantedMs: 0, deadline: 70_000});
		expect(control.deadline).toBe(70_000);
	});

	it('grants nothing before the stop began or once it is forced', () => {
		expect(new StopControl().extend(5_000, 0, 60_000)).toBeUndefined();
		const forced = begun(10_000);
		forced.force('manual');
		expect(forced.extend(5_000, 0, 60_000)).toBeUndefined();
	});
});
