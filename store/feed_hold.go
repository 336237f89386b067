package store

// hold is a temporary subscriber (Feed.Hold).
type hold struct{ fn func([]Change) }

// Hold registers fn like Subscribe, until the returned release is called.
// release runs then (if not nil) while no batch is being published, and
// removes fn under the same exclusion: every batch is seen either by fn or
// by the state then leaves behind, never by neither. ReloadLayer uses it to
// rebuild a layer aside without losing the writes that commit meanwhile.
// then must be quick and must not publish.
func (f *Feed) Hold(fn func([]Change)) (release func(then func())) {
	h := &hold{fn: fn}
	f.mu.Lock()
	if f.holds == nil {
		f.holds = make(map[*hold]struct{})
	}
	f.holds[h] = struct{}{}
	f.mu.Unlock()
	return func(then func()) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if then != nil {
			then()
		}
		delete(f.holds, h)
	}
}
