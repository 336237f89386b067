package store

import (
	"bando/layers"
	"bando/spatial"
)

// IndexChanges returns a feed subscriber that keeps idx in step with the
// store: upserts insert the new feature, deletes remove it. Each carries the
// write's commit sequence, so the index never lets an older record (from a
// load scan) replace or resurrect what a newer write left.
func IndexChanges(idx *spatial.Index) func([]Change) {
	return func(cs []Change) {
		// A batch is one layer and one kind (one Put or Delete call), so
		// one version and one sequence.
		var put []*spatial.Feature
		var del []string
		for _, c := range cs {
			switch c.Kind {
			case Upsert:
				// An upsert read back from a shared database after the
				// feature was deleted comes without it; the delete follows.
				if c.Feature != nil {
					put = append(put, c.Feature)
				}
			case Delete:
				del = append(del, c.ID)
			}
		}
		last := cs[len(cs)-1]
		if len(put) > 0 {
			idx.Put(last.Layer, last.Version, put)
		}
		if len(del) > 0 {
			idx.DeleteSeq(last.Layer, last.Version, last.Seq, del)
		}
	}
}

// IndexChangesOf is IndexChanges for a catalog that changes at run time:
// an upsert written under a declaration of its layer that the catalog has
// since replaced (a writer that fetched the layer just before a data
// steward's change) has its properties laid out again by the current
// declaration, by field name, before the index takes it. The catalog swap
// and the index swap happen while no batch is published (ReloadLayer), so
// every batch meets one consistent pair.
func IndexChangesOf(idx *spatial.Index, cat *layers.Catalog) func([]Change) {
	apply := IndexChanges(idx)
	return func(cs []Change) {
		cur, err := cat.Get(cs[0].Layer)
		if err == nil {
			for i := range cs {
				if s := cs[i].Schema; s != nil && s != cur && cs[i].Feature != nil && !layers.SameFields(s, cur) {
					f := *cs[i].Feature
					f.Props = relayout(f.Props, s, cur)
					cs[i].Feature = &f
				}
			}
		}
		apply(cs)
	}
}

// relayout moves properties laid out by from's fields to to's, by name,
// converting each to its new type (dropped when it does not convert).
func relayout(props []any, from, to *layers.Layer) []any {
	out := make([]any, len(to.Fields))
	for i, v := range props {
		if i >= len(from.Fields) || v == nil {
			continue
		}
		if j := to.FieldIndex(from.Fields[i].Name); j >= 0 {
			if cv, ok := to.Fields[j].Type.Convert(v); ok {
				out[j] = cv
			}
		}
	}
	return out
}
