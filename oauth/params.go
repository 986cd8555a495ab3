package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// maxBody bounds the body of an OAuth request: a few parameters.
const maxBody = 64 << 10

// ReadParams returns a request's parameters as Rails gives them to
// Mastodon: those of the query string, overridden by the body's, which
// may be a form (URL-encoded or multipart) or a JSON object, of at most
// 64 KiB. A JSON array (redirect_uris) gives one value per element.
func ReadParams(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	params := r.URL.Query()
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := jsonParams(r)
		if err != nil {
			return nil, err
		}
		for k, v := range body {
			params[k] = v
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return nil, fmt.Errorf("read form: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("read form: %w", err)
		}
		for k, v := range r.PostForm {
			params[k] = v
		}
	}
	return params, nil
}

// jsonParams reads a JSON object body into parameters.
func jsonParams(r *http.Request) (url.Values, error) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("read JSON body: %w", err)
	}
	params := url.Values{}
	for k, v := range body {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				s, err := scalar(e)
				if err != nil {
					return nil, fmt.Errorf("parameter %s: %w", k, err)
				}
				params.Add(k, s)
			}
		case nil:
		default:
			s, err := scalar(v)
			if err != nil {
				return nil, fmt.Errorf("parameter %s: %w", k, err)
			}
			params.Set(k, s)
		}
	}
	return params, nil
}

func scalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", errors.New("not a string, number or boolean")
}
