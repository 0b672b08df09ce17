// Package fuzzcorpus keeps a fuzz target's committed seed corpus in step with
// the table it is built from: a test checks that each seed file under
// testdata/fuzz/<Target>/ holds exactly its seed, and rewrites them with
// -update.
package fuzzcorpus
