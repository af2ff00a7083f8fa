package reftarget

// dropReadded implements FaultMemberReaddDropped: members a PATCH removes
// from group id are remembered, and adding one of them again is dropped.
// before and after are the group's data around the PATCH. The caller
// holds s.mu.
func (s *Server) dropReadded(id string, before, after map[string]any) {
	if s.removed == nil {
		s.removed = map[string]map[string]bool{}
	}
	gone := s.removed[id]
	if gone == nil {
		gone = map[string]bool{}
		s.removed[id] = gone
	}
	now := map[string]bool{}
	for _, m := range elements(after["members"]) {
		if mm, ok := m.(map[string]any); ok {
			if v, ok := mm["value"].(string); ok {
				now[v] = true
			}
		}
	}
	for _, m := range elements(before["members"]) {
		if mm, ok := m.(map[string]any); ok {
			if v, ok := mm["value"].(string); ok && !now[v] {
				gone[v] = true
			}
		}
	}
	var kept []any
	for _, m := range elements(after["members"]) {
		if mm, ok := m.(map[string]any); ok {
			if v, _ := mm["value"].(string); gone[v] {
				continue
			}
		}
		kept = append(kept, m)
	}
	setOrDelete(after, "members", kept)
}
