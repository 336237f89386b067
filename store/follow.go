package store

import (
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
