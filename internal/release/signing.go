package release

import (
	"bytes"
	"crypto"
	"fmt"
	"io"
	"os"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// keyConfig is the snapshot signing key's shape: RSA, because the
// Terraform Registry accepts only RSA and DSA keys for provider signing.
var keyConfig = &packet.Config{
	Algorithm:   packet.PubKeyAlgoRSA,
	RSABits:     3072,
	DefaultHash: crypto.SHA256,
}

// NewSigningKey makes a key for one snapshot run and writes it, armored,
// to privatePath (0600) and publicPath. It returns the key ID the
// registry protocol names the key by (16 upper-case hex digits).
func NewSigningKey(privatePath, publicPath string) (string, error) {
	e, err := openpgp.NewEntity("terraform-provider-apsaramq snapshot", "made for one make release-snapshot run", "", keyConfig)
	if err != nil {
		return "", fmt.Errorf("generating the snapshot signing key: %w", err)
	}
	var private, public bytes.Buffer
	if err := writeArmored(&private, openpgp.PrivateKeyType, func(w io.Writer) error { return e.SerializePrivate(w, keyConfig) }); err != nil {
		return "", err
	}
	if err := writeArmored(&public, openpgp.PublicKeyType, e.Serialize); err != nil {
		return "", err
	}
	if err := os.WriteFile(privatePath, private.Bytes(), 0o600); err != nil {
		return "", err
	}
	if err := os.WriteFile(publicPath, public.Bytes(), 0o644); err != nil {
		return "", err
	}
	return e.PrimaryKey.KeyIdString(), nil
}

func writeArmored(out io.Writer, blockType string, serialize func(io.Writer) error) error {
	w, err := armor.Encode(out, blockType, nil)
	if err != nil {
		return err
	}
	if err := serialize(w); err != nil {
		return err
	}
	return w.Close()
}

// SignDetached writes a binary detached signature of the file at artifact
// (what `gpg --detach-sign` makes) with the armored private key at keyPath.
func SignDetached(keyPath, artifact, signature string) error {
	keys, err := readArmoredKeys(keyPath)
	if err != nil {
		return err
	}
	if len(keys) != 1 || keys[0].PrivateKey == nil {
		return fmt.Errorf("%s: want one private key, found %d keys", keyPath, len(keys))
	}
	data, err := os.Open(artifact)
	if err != nil {
		return err
	}
	defer data.Close()
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, keys[0], data, keyConfig); err != nil {
		return fmt.Errorf("signing %s: %w", artifact, err)
	}
	return os.WriteFile(signature, sig.Bytes(), 0o644)
}

// VerifyDetached checks a binary detached signature of data against the
// armored public key, as `init` does with a registry's signing key.
func VerifyDetached(armoredPublicKey, data, signature []byte) error {
	keys, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armoredPublicKey))
	if err != nil {
		return fmt.Errorf("reading the public key: %w", err)
	}
	if _, err := openpgp.CheckDetachedSignature(keys, bytes.NewReader(data), bytes.NewReader(signature), nil); err != nil {
		return fmt.Errorf("the signature does not verify: %w", err)
	}
	return nil
}

func readArmoredKeys(path string) (openpgp.EntityList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	keys, err := openpgp.ReadArmoredKeyRing(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return keys, nil
}

func keyID(armoredPublicKey []byte) (string, error) {
	keys, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armoredPublicKey))
	if err != nil || len(keys) != 1 {
		return "", fmt.Errorf("reading the public key: want one key (%v)", err)
	}
	return keys[0].PrimaryKey.KeyIdString(), nil
}
