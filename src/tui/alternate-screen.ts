// The terminal's alternate screen: the dashboard draws there, and the user's scrollback is back as
// it was when devtui quits (as less, vim and htop do).
export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
export const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
