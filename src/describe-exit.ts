// How devtui says how a process ended, in every view: "exit code 1", "killed by SIGKILL".
export const describeExit = (code: number | null, signal: string | null): string => (signal ? `killed by ${signal}` : `exit code ${code ?? '?'}`);
