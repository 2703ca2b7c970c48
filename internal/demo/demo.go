// Package demo loads a fictional company, Northwind Outfitters, through the
// same importer users run, so that Chief can be explored without data of
// one's own.
package demo

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

//go:embed data
var files embed.FS

// Company names the demo company.
const Company = "Northwind Outfitters, an online retailer"

// AdminEmail is the demo admin's sign-in.
const AdminEmail = "demo@northwind.example"

// Login is the demo admin's sign-in; Password is empty when the admin
// existed already.
type Login struct {
	Email    string
	Password string
}

// Load imports the demo catalog and creates the demo admin with a random
// password. Loading twice changes nothing.
func Load(ctx context.Context, d *db.DB) (Login, error) {
	sub, err := fs.Sub(files, "data")
	if err != nil {
		return Login{}, err
	}
	res, err := catalog.NewStore(d).Import(ctx, sub, []string{"catalog-info.yaml"}, catalog.ImportOptions{LocationPrefix: "demo:"})
	if err != nil {
		return Login{}, err
	}
	if len(res.Problems) > 0 {
		return Login{}, fmt.Errorf("demo data has problems: %v", res.Problems)
	}
	login := Login{Email: AdminEmail, Password: randomPassword()}
	_, err = auth.NewStore(d).CreateUser(ctx, auth.NewUser{Email: login.Email, Password: login.Password, Role: auth.Admin})
	if apperr.Is(err, apperr.Conflict) {
		return Login{Email: AdminEmail}, nil
	}
	return login, err
}

func randomPassword() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
