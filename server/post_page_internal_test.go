package server

import "testing"

func TestDemoteHeadings(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{name: "h1", in: "<h1>Titel</h1><p>x</p>", want: "<h2>Titel</h2><p>x</p>"},
		{name: "h2 and h5", in: "<h2>A</h2><h5>B</h5>", want: "<h3>A</h3><h6>B</h6>"},
		{name: "h6 stays", in: "<h6>C</h6>", want: "<h6>C</h6>"},
		{name: "not a heading", in: "<p>h1 and <hr></p>", want: "<p>h1 and <hr></p>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := demoteHeadings(c.in); got != c.want {
				t.Errorf("demoteHeadings(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
