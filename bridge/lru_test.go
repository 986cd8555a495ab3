package bridge

import "testing"

func TestLRU(t *testing.T) {
	c := newLRU[int](2)
	c.put("a", 1)
	c.put("b", 2)
	if v, ok := c.get("a"); !ok || v != 1 { // a is now the most recent
		t.Fatalf("a = %d, %v", v, ok)
	}
	c.put("c", 3) // evicts b, the least recently used
	if _, ok := c.get("b"); ok {
		t.Fatal("b survived eviction")
	}
	c.put("a", 10)
	for key, want := range map[string]int{"a": 10, "c": 3} {
		if v, ok := c.get(key); !ok || v != want {
			t.Fatalf("%s = %d, %v; want %d", key, v, ok, want)
		}
	}
}
