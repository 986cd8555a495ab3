package xmlrpc

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseCall(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Call
	}{
		{name: "WordPress extendedPing", body: readFile(t, "testdata/wordpress-extendedPing.xml"), want: Call{
			Method: "weblogUpdates.extendedPing",
			Params: []string{"Ministerie van Voorbeeldzaken", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/feed/"},
		}},
		{name: "WordPress ping with escaped name", body: readFile(t, "testdata/wordpress-ping.xml"), want: Call{
			Method: "weblogUpdates.ping",
			Params: []string{`Water & Klimaat "Nieuws"`, "http://127.0.0.1:8081/"},
		}},
		{name: "untyped values are strings", body: `<methodCall><methodName>weblogUpdates.ping</methodName><params>
			<param><value>Blog</value></param><param><value> https://example.org/ </value></param></params></methodCall>`,
			want: Call{Method: "weblogUpdates.ping", Params: []string{"Blog", "https://example.org/"}}},
		{name: "no params", body: `<methodCall><methodName>system.listMethods</methodName></methodCall>`,
			want: Call{Method: "system.listMethods"}},
		{name: "Latin-1 body", body: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>weblogUpdates.ping</methodName><params><param><value><string>Caf\xe9</string></value></param></params></methodCall>",
			want: Call{Method: "weblogUpdates.ping", Params: []string{"Café"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCall([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestParseCallRejects(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{name: "empty", body: ""},
		{name: "not XML", body: "weblogUpdates.ping"},
		{name: "other root", body: `<methodResponse><params/></methodResponse>`},
		{name: "no method name", body: `<methodCall><params/></methodCall>`},
		{name: "truncated", body: `<methodCall><methodName>weblogUpdates.ping</methodName><params><param><value>`},
		{name: "struct parameter", body: `<methodCall><methodName>m</methodName><params><param><value><struct><member><name>a</name><value><i4>1</i4></value></member></struct></value></param></params></methodCall>`},
		{name: "too many parameters", body: `<methodCall><methodName>m</methodName><params>` + strings.Repeat(`<param><value>x</value></param>`, 17) + `</params></methodCall>`},
		{name: "unknown charset", body: `<?xml version="1.0" encoding="x-unknown"?><methodCall><methodName>m</methodName></methodCall>`},
		{name: "entity expansion is not XML-RPC", body: `<!DOCTYPE m [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseCall([]byte(tc.body)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestResponses(t *testing.T) {
	ok := string(Response(Member{Name: "flerror", Value: false}, Member{Name: "message", Value: "Thanks <3 & bye"}))
	for _, want := range []string{"<methodResponse><params><param><value><struct>",
		"<member><name>flerror</name><value><boolean>0</boolean></value></member>",
		"<member><name>message</name><value><string>Thanks &lt;3 &amp; bye</string></value></member>"} {
		if !strings.Contains(ok, want) {
			t.Errorf("response lacks %q:\n%s", want, ok)
		}
	}
	fault := string(Fault(404, "unknown site"))
	for _, want := range []string{"<methodResponse><fault><value><struct>",
		"<member><name>faultCode</name><value><int>404</int></value></member>",
		"<member><name>faultString</name><value><string>unknown site</string></value></member>"} {
		if !strings.Contains(fault, want) {
			t.Errorf("fault lacks %q:\n%s", want, fault)
		}
	}
}

func FuzzParseCall(f *testing.F) {
	f.Add(readFile(f, "testdata/wordpress-extendedPing.xml"))
	f.Add(readFile(f, "testdata/wordpress-ping.xml"))
	f.Fuzz(func(t *testing.T, body string) {
		c, err := ParseCall([]byte(body))
		if err == nil && c.Method == "" {
			t.Fatal("a call without method was accepted")
		}
	})
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
