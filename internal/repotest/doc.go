// Package repotest holds repository-wide checks that are not about any one
// package: every package has a doc.go with a package comment, and so on.
package repotest
