package docscheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Command is one of the project's programs: its package directory and the
// flags its flag sets define.
type Command struct {
	Name  string // how docs call it: the directory's base name, e.g. onsmqtt-emulator
	Dir   string // slash path relative to the repository root
	Flags map[string]bool
}

// flagDefiners maps the flag package's defining functions and methods to
// the index of their name argument.
var flagDefiners = map[string]int{
	"Bool": 0, "BoolVar": 1, "Duration": 0, "DurationVar": 1, "Float64": 0, "Float64Var": 1,
	"Int": 0, "IntVar": 1, "Int64": 0, "Int64Var": 1, "String": 0, "StringVar": 1,
	"Uint": 0, "UintVar": 1, "Uint64": 0, "Uint64Var": 1, "Var": 1, "TextVar": 1,
	"Func": 0, "BoolFunc": 0,
}

// commandFlags reads the flags a command defines: in its own package and in
// the project's packages it imports (a command may register its flags from
// a library). Only calls on the flag package itself or on a *flag.FlagSet
// count, so a method of the same name on another type is not a flag.
func commandFlags(root, module, dir string) (map[string]bool, error) {
	flags := map[string]bool{"h": true, "help": true} // every flag set answers them
	imports, err := packageFlags(filepath.Join(root, filepath.FromSlash(dir)), flags)
	if err != nil {
		return nil, err
	}
	for _, imp := range imports {
		rel, ok := strings.CutPrefix(imp, module+"/")
		if !ok {
			continue
		}
		if _, err := packageFlags(filepath.Join(root, filepath.FromSlash(rel)), flags); err != nil {
			return nil, err
		}
	}
	return flags, nil
}

// packageFlags adds the flags defined in the non-test Go files of dir and
// returns the paths the package imports.
func packageFlags(dir string, flags map[string]bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the command's package: %w", err)
	}
	var imports []string
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		for _, imp := range file.Imports {
			if p, err := strconv.Unquote(imp.Path.Value); err == nil {
				imports = append(imports, p)
			}
		}
		collectFlags(file, flags)
	}
	return imports, nil
}

func collectFlags(file *ast.File, flags map[string]bool) {
	flagPkg := "flag"
	for _, imp := range file.Imports {
		if imp.Path.Value == `"flag"` && imp.Name != nil {
			flagPkg = imp.Name.Name
		}
	}
	flagSets := flagSetNames(file, flagPkg)
	helpers := flagHelpers(file, flagPkg)
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if i, ok := helpers[calledName(call.Fun)]; ok && i < len(call.Args) {
			addFlagName(call.Args[i], flags)
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		var recv string
		switch x := sel.X.(type) {
		case *ast.Ident: // flag.String, fs.String
			recv = x.Name
		case *ast.SelectorExpr: // o.flags.String, with a *flag.FlagSet field
			recv = x.Sel.Name
			if recv == flagPkg {
				return true
			}
		}
		if recv != flagPkg && !flagSets[recv] {
			return true
		}
		i, ok := flagDefiners[sel.Sel.Name]
		if !ok || i >= len(call.Args) {
			return true
		}
		addFlagName(call.Args[i], flags)
		return true
	})
}

func addFlagName(arg ast.Expr, flags map[string]bool) {
	if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
		if name, err := strconv.Unquote(lit.Value); err == nil {
			flags[name] = true
		}
	}
}

// calledName is the name of a called function of the file: f(…) or,
// generic, f[T](…).
func calledName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.IndexExpr:
		return calledName(f.X)
	case *ast.IndexListExpr:
		return calledName(f.X)
	}
	return ""
}

// flagHelpers are the file's functions that define a flag on a
// *flag.FlagSet they are given, under a parameter called name: the index of
// that parameter, so a call's literal there is a flag name.
func flagHelpers(file *ast.File, flagPkg string) map[string]int {
	helpers := map[string]int{}
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv != nil {
			continue
		}
		var (
			index, nameAt = 0, -1
			takesFlagSet  bool
		)
		for _, field := range fn.Type.Params.List {
			if star, ok := field.Type.(*ast.StarExpr); ok {
				if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "FlagSet" {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == flagPkg {
						takesFlagSet = true
					}
				}
			}
			for _, id := range field.Names {
				if id.Name == "name" {
					nameAt = index
				}
				index++
			}
		}
		if takesFlagSet && nameAt >= 0 {
			helpers[fn.Name.Name] = nameAt
		}
	}
	return helpers
}

// flagSetNames are the identifiers of a file that hold a *flag.FlagSet:
// assigned from flag.NewFlagSet, or declared with that type (parameters,
// fields, variables).
func flagSetNames(file *ast.File, flagPkg string) map[string]bool {
	names := map[string]bool{}
	isFlagSetType := func(e ast.Expr) bool {
		if star, ok := e.(*ast.StarExpr); ok {
			e = star.X
		}
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := sel.X.(*ast.Ident)
		return ok && pkg.Name == flagPkg && sel.Sel.Name == "FlagSet"
	}
	isNewFlagSet := func(e ast.Expr) bool {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := sel.X.(*ast.Ident)
		return ok && pkg.Name == flagPkg && sel.Sel.Name == "NewFlagSet"
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, rhs := range n.Rhs {
				if i >= len(n.Lhs) || !isNewFlagSet(rhs) {
					continue
				}
				if id, ok := n.Lhs[i].(*ast.Ident); ok {
					names[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if (n.Type != nil && isFlagSetType(n.Type)) || (i < len(n.Values) && isNewFlagSet(n.Values[i])) {
					names[id.Name] = true
				}
			}
		case *ast.Field:
			if isFlagSetType(n.Type) {
				for _, id := range n.Names {
					names[id.Name] = true
				}
			}
		}
		return true
	})
	return names
}

// findCommands lists the project's programs: every package under a cmd/
// directory below internal/, and the provider itself at the root.
func findCommands(root, module string) (map[string]*Command, error) {
	cmds := map[string]*Command{}
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() || filepath.Base(filepath.Dir(p)) != "cmd" {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		flags, err := commandFlags(root, module, rel)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		cmds[path.Base(rel)] = &Command{Name: path.Base(rel), Dir: rel, Flags: flags}
		return nil
	})
	if err != nil {
		return nil, err
	}
	flags := map[string]bool{"h": true, "help": true}
	if _, err := packageFlags(root, flags); err != nil {
		return nil, err
	}
	cmds[providerBinary] = &Command{Name: providerBinary, Dir: ".", Flags: flags}
	return cmds, nil
}

const providerBinary = "terraform-provider-apsaramq"
