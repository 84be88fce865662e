// Package archtest holds tests that check the architecture of landplan
// itself: which package may import which (DESIGN.md "Layout"), and that every
// package says what it is for in a doc comment.
package archtest
