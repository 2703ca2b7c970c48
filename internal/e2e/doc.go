// Package e2e holds end-to-end tests: they start the real server through
// the command line's Run on 127.0.0.1:0 and talk HTTP to it, or drive a
// browser against it.
package e2e
