// Package proctest runs the project's three programs (handsetd, phonesim,
// phoneapi-host) for tests, the way a user would, and waits on what they
// print.
//
// Main builds the programs once per test binary into a temporary directory,
// puts that directory first on PATH (handsetd demo starts phonesim and
// phoneapi-host from there) and points XDG_CONFIG_HOME at an empty
// directory, so no user's config.toml applies to any test. Start runs a
// built program; Run runs a program's run function in this process on
// pipes. Either gives a Proc: its stdin to type control lines into, its
// stdout kept as lines to wait for, its stderr kept for failure messages,
// and a clean stop when the test ends.
//
// Every wait is bounded by Limit; the bound only turns a hang into a
// failure, nothing waits for it to pass.
package proctest
