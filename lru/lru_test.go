package lru

import "testing"

func TestLRU(t *testing.T) {
	c := New[int](2)
	c.Put("a", 1)
	c.Put("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 { // a is now the most recent
		t.Fatalf("a = %d, %v", v, ok)
	}
	c.Put("c", 3) // evicts b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Fatal("b survived eviction")
	}
	c.Put("a", 10)
	for key, want := range map[string]int{"a": 10, "c": 3} {
		if v, ok := c.Get(key); !ok || v != want {
			t.Fatalf("%s = %d, %v; want %d", key, v, ok, want)
		}
	}
}
