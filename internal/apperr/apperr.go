// Package apperr holds the one error type Chief uses to say what went wrong in
// terms a caller can act on. Every layer returns *Error for expected failures;
// anything else is treated as internal.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error. The HTTP layer maps each code to one status.
type Code string

// The codes, few on purpose: each one calls for a different reaction.
const (
	NotFound     Code = "not_found"
	Invalid      Code = "invalid"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	TooMany      Code = "too_many_requests"
	Internal     Code = "internal"
)

// Error is an expected failure with a code, a message for people and, for
// invalid input, the field at fault.
type Error struct {
	Code    Code   `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// New returns an error with the given code and message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns an invalid-input error naming the field at fault.
func Field(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, Internal for errors that are not *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// As returns the *Error inside err, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

var statuses = map[Code]int{
	NotFound:     http.StatusNotFound,
	Invalid:      http.StatusUnprocessableEntity,
	Conflict:     http.StatusConflict,
	Unauthorized: http.StatusUnauthorized,
	Forbidden:    http.StatusForbidden,
	TooMany:      http.StatusTooManyRequests,
	Internal:     http.StatusInternalServerError,
}

// HTTPStatus maps a code to its HTTP status.
func HTTPStatus(code Code) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}
