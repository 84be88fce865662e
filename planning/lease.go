package planning

import (
	"fmt"
	"time"

	"landplan/parcels"
)

// LeaseReport aligns the members' lease terms (clause 十七): the new term
// ends with the member whose grant ends last; every other member pays the
// land price for the difference.
type LeaseReport struct {
	Clause       string       `json:"clause"`
	UnifiedEnd   parcels.Date `json:"unified_end"` // null when no member has a known lease end
	LatestMember int64        `json:"latest_member,omitempty"`
	Members      []LeaseRow   `json:"members"`
	Message      string       `json:"message"`
	MessageZH    string       `json:"message_zh"`
}

// Lease states of a member.
const (
	LeaseLatest     = "latest"      // its end is the unified end: pays nothing
	LeasePays       = "pays"        // ends earlier: pays for the difference
	LeaseUnknownEnd = "unknown_end" // granted land without a recorded end
	LeaseAllocated  = "allocated"   // 划拨: no term; pays the land price first
	LeaseCollective = "collective"  // 集体: expropriated to state land first
)

// LeaseRow is one member's lease as aligned. PayYears and PayDays are whole
// calendar years after the member's end, then the days left, up to the
// unified end; PayTotalDays counts all days.
type LeaseRow struct {
	Member       int64        `json:"member"`
	LandSource   string       `json:"land_source"`
	End          parcels.Date `json:"end"`
	State        string       `json:"state"`
	PayYears     int          `json:"pay_years"`
	PayDays      int          `json:"pay_days"`
	PayTotalDays int          `json:"pay_total_days"`
	Message      string       `json:"message"`
	MessageZH    string       `json:"message_zh"`
}

// Flag marks a member that must do something before the joint grant.
type Flag struct {
	Flag      string `json:"flag"` // allocated_land_pays_first | collective_land_expropriate_first
	ParcelID  int64  `json:"parcel_id"`
	Clause    string `json:"clause"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
}

// yearsDays splits the span from a to b (a ≤ b) into whole calendar years and
// the remaining days. A year after 29 February ends on 28 February, as the
// Civil Code counts periods (see addMonths).
func yearsDays(a, b time.Time) (years, days int) {
	for !addMonths(a, 12*(years+1)).After(b) {
		years++
	}
	days = int(b.Sub(addMonths(a, 12*years)).Hours() / 24)
	return years, days
}

// alignLeases builds the lease report and flags for members sorted by id.
func alignLeases(clause string, members []*parcels.Parcel) (LeaseReport, []Flag) {
	lr := LeaseReport{Clause: clause}
	var flags []Flag
	for _, m := range members {
		if m.LandSource == parcels.SourceAllocated || m.LandSource == parcels.SourceCollective || m.LeaseEnd.IsZero() {
			continue
		}
		if lr.UnifiedEnd.IsZero() || m.LeaseEnd.After(lr.UnifiedEnd.Time) {
			lr.UnifiedEnd, lr.LatestMember = m.LeaseEnd, m.ID
		}
	}
	for _, m := range members {
		row := LeaseRow{Member: m.ID, LandSource: string(m.LandSource), End: m.LeaseEnd}
		switch {
		case m.LandSource == parcels.SourceAllocated:
			row.State = LeaseAllocated
			row.Message = fmt.Sprintf("parcel %d is allocated (划拨) land: it has no grant term; it pays the land price and is granted first, then joins the unified term %s", m.ID, clause)
			row.MessageZH = fmt.Sprintf("宗地 %d 为行政划拨工业用地，无出让年期：应先行补缴土地出让金、补办出让手续，再按统一年期出让 %s", m.ID, clause)
			flags = append(flags, Flag{Flag: "allocated_land_pays_first", ParcelID: m.ID, Clause: clause,
				Message:   fmt.Sprintf("parcel %d: allocated industrial land must first pay the land grant price and complete the grant %s", m.ID, clause),
				MessageZH: fmt.Sprintf("宗地 %d：改造项目涉及行政划拨工业用地，应先行补缴土地出让金，补办出让手续 %s", m.ID, clause)})
		case m.LandSource == parcels.SourceCollective:
			row.State = LeaseCollective
			row.Message = fmt.Sprintf("parcel %d is collective construction land: it must be expropriated to state land first, then granted by agreement %s", m.ID, clause)
			row.MessageZH = fmt.Sprintf("宗地 %d 为集体建设用地：应先申请征收为国有土地，再以协议出让方式供地 %s", m.ID, clause)
			flags = append(flags, Flag{Flag: "collective_land_expropriate_first", ParcelID: m.ID, Clause: clause,
				Message:   fmt.Sprintf("parcel %d: legal collective construction land must be expropriated to state land before the agreement grant %s", m.ID, clause),
				MessageZH: fmt.Sprintf("宗地 %d：涉及合法手续的集体建设用地，可申请征收为国有土地后以协议出让方式供地 %s", m.ID, clause)})
		case m.LeaseEnd.IsZero():
			row.State = LeaseUnknownEnd
			row.Message = fmt.Sprintf("parcel %d has no recorded lease end: the years it must pay for cannot be computed %s", m.ID, clause)
			row.MessageZH = fmt.Sprintf("宗地 %d 缺少出让终止日期，无法计算补缴年限 %s", m.ID, clause)
		case !m.LeaseEnd.Before(lr.UnifiedEnd.Time):
			row.State = LeaseLatest
			row.Message = fmt.Sprintf("parcel %d ends %s, the latest: the unified term ends then; it pays nothing %s", m.ID, m.LeaseEnd, clause)
			row.MessageZH = fmt.Sprintf("宗地 %d 出让终止日期 %s 为最晚，统一出让年期据此确定，无需补缴 %s", m.ID, m.LeaseEnd, clause)
		default:
			row.State = LeasePays
			row.PayYears, row.PayDays = yearsDays(m.LeaseEnd.Time, lr.UnifiedEnd.Time)
			row.PayTotalDays = int(lr.UnifiedEnd.Sub(m.LeaseEnd.Time).Hours() / 24)
			row.Message = fmt.Sprintf("parcel %d ends %s; unified end %s: pays for %d years %d days (%d days) %s", m.ID, m.LeaseEnd, lr.UnifiedEnd, row.PayYears, row.PayDays, row.PayTotalDays, clause)
			row.MessageZH = fmt.Sprintf("宗地 %d 出让终止 %s，统一终止 %s：补缴 %d 年 %d 天（共 %d 天）土地出让金 %s", m.ID, m.LeaseEnd, lr.UnifiedEnd, row.PayYears, row.PayDays, row.PayTotalDays, clause)
		}
		lr.Members = append(lr.Members, row)
	}
	if lr.UnifiedEnd.IsZero() {
		lr.Message = fmt.Sprintf("no member has a recorded lease end: the unified term cannot be set %s", clause)
		lr.MessageZH = fmt.Sprintf("各成员宗地均无出让终止日期，无法确定统一出让年期 %s", clause)
	} else {
		lr.Message = fmt.Sprintf("unified lease end %s, from parcel %d, the latest end among the members; the others pay for the difference %s", lr.UnifiedEnd, lr.LatestMember, clause)
		lr.MessageZH = fmt.Sprintf("按出让终止期最长一宗（宗地 %d）重新确定出让年限，统一终止日期 %s；其余宗地补缴差额年限土地出让金 %s", lr.LatestMember, lr.UnifiedEnd, clause)
	}
	return lr, flags
}
