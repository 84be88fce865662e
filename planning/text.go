package planning

import (
	"fmt"
	"strings"

	"landplan/geo"
	"landplan/parcels"
)

// Text renders the report for a reviewer: Chinese by default, "en" for
// English. Every line cites its clause and shows the numbers used.
func (r *LeftoverReport) Text(lang string) string {
	en := lang == "en"
	var b strings.Builder
	w := func(zh, e string, args ...any) {
		if en {
			fmt.Fprintf(&b, e+"\n", args...)
		} else {
			fmt.Fprintf(&b, zh+"\n", args...)
		}
	}
	w("联合改造片区零星地块审查 %s", "Leftover land review of a merged zone %s", r.Clause)
	w("配置：%s；面积基准：%s；分母：%s；“或”：%s",
		"profile: %s; area basis: %s; denominator: %s; \"or\": %s",
		r.Profile, basisLabel(en, r.AreaBasis, r.ZoneEPSG), pick(en, r.Denominator, denominatorZH[r.Denominator]), pick(en, r.OrReading, orZH[r.OrReading]))
	w("", "")
	w("成员宗地 %s：", "Member parcels %s:", r.Clause)
	for _, m := range r.Members {
		w("  宗地 %d %s  面积 %.2f 平方米  来源 %s  出让终止 %s %s", "  parcel %d %s  area %.2f m²  source %s  lease end %s %s",
			m.ID, m.Code, m.AreaM2, orDash(pick(en, m.LandSource, sourceZH[m.LandSource])), orDash(m.LeaseEnd.String()), r.Clause)
	}
	w("  成员宗地面积之和 %.2f 平方米；并集面积（重叠只计一次）%.2f 平方米 = %.3f 亩 %s", "  sum of member areas %.2f m²; their union (overlaps once) %.2f m² = %.3f mu %s",
		r.MembersSumAreaM2, r.MembersAreaM2, geo.MuFromM2(r.MembersAreaM2), r.Clause)
	w("", "")
	w("零星地块 %s：", "Leftover pieces %s:", r.Clause)
	if en {
		w("", "  %-6s %-10s %12s %9s %-10s %-12s %10s %-6s %-8s", "id", "kind", "area m²", "mu", "detected", "touches", "shared m", "group", "eligible")
	} else {
		w("  %-6s %-6s %12s %9s %-6s %-12s %10s %-6s %-6s", "", "编号", "类型", "面积(平方米)", "亩", "来源", "相邻成员", "共用边界(米)", "组", "结论")
	}
	for _, p := range r.Pieces {
		t := make([]string, len(p.Touches))
		for i, x := range p.Touches {
			t[i] = fmt.Sprint(x)
		}
		src, srcZH := "drawn", "绘制"
		if p.Detected {
			src, srcZH = "detected", "检测"
		}
		el, elZH := "no", "不可纳入"
		if p.Eligible {
			el, elZH = "yes", "可纳入"
		}
		w("  %-6s %-6s %12.2f %9.3f %-6s %-12s %10.2f %-6s %-6s %s", "  %-6s %-10s %12.2f %9.3f %-10s %-12s %10.2f %-6s %-8s %s",
			p.ID, pick(en, p.Kind, p.KindZH), p.AreaM2, p.AreaMu, pick(en, src, srcZH), orDash(strings.Join(t, ",")), p.SharedBoundaryM, orDash(p.Group), pick(en, el, elZH), r.Clause)
		for _, rs := range p.Reasons {
			w("      · %s %s", "      · %s %s", pick(en, rs.Message, rs.MessageZH), rs.Clause)
		}
	}
	if len(r.Groups) > 0 {
		w("相邻地块分组（单幅面积合并计算，%s）：", "Groups of touching pieces (measured together, %s):", r.Clause)
		for _, g := range r.Groups {
			w("  %s = {%s}：%.2f 平方米 = %.3f 亩 %s %g 亩 %s", "  %s = {%s}: %.2f m² = %.3f mu %s %g mu %s",
				g.ID, strings.Join(g.Pieces, ", "), g.basisAreaR, geo.MuFromM2(g.basisAreaR), cmpWord(g.WithinMax, "≤", ">"), r.PieceMaxMu, r.Clause)
		}
	}
	w("", "")
	w("累计面积比例 %s：", "Cumulative ratio %s:", r.Clause)
	w("  纳入地块面积（并集）L = %.2f 平方米 %s", "  included pieces (union) L = %.2f m² %s", r.leftoverR, r.Clause)
	w("  成员宗地面积 M = %.2f 平方米；项目合并总面积 T = 成员宗地 ∪ 纳入地块 = %.2f 平方米 %s", "  members M = %.2f m²; merged total T = members ∪ included pieces = %.2f m² %s", r.membersR, r.mergedR, r.Clause)
	w("  L ÷ T = %.2f ÷ %.2f = %s；L ÷ M = %.2f ÷ %.2f = %s %s", "  L / T = %.2f / %.2f = %s; L / M = %.2f / %.2f = %s %s",
		r.leftoverR, r.mergedR, pct(r.LeftoverRatioMerged), r.leftoverR, r.membersR, pct(r.LeftoverRatioMembers), r.Clause)
	w("  采用%s：%s %s %s → %s %s", "  using %s: %s %s %s → %s %s",
		pick(en, r.Denominator, map[string]string{DenominatorMerged: "合并总面积 T", DenominatorMembers: "成员宗地面积 M"}[r.Denominator]),
		pct(r.LeftoverRatio), cmpWord(r.RatioPasses, "≤", ">"), pct(r.RatioMax), pick(en, cmpWord(r.RatioPasses, "pass", "fail"), cmpWord(r.RatioPasses, "满足", "不满足")), r.Clause)
	if r.Near {
		w("  接近限值，椭球面积：L = %.2f，M = %.2f，T = %.2f 平方米 %s", "  near the limit; ellipsoidal areas: L = %.2f, M = %.2f, T = %.2f m² %s",
			r.LeftoverEllipsoidalAreaM2, r.MembersEllipsoidalAreaM2, r.MergedEllipsoidalAreaM2, r.Clause)
	}
	w("", "")
	w("结论：%s %s", "Verdict: %s %s", pick(en, r.Verdict, r.VerdictZH), r.Clause)
	if len(r.RemoveToPass) > 0 {
		w("  移除 %s 后，其余地块均可纳入（累计比例 %s） %s", "  removing %s makes the rest eligible (ratio then %s) %s",
			strings.Join(r.RemoveToPass, "、"), pct(*r.RatioAfterRemoval), r.Clause)
	}
	w("", "")
	w("出让年期 %s：%s", "Lease terms %s: %s", r.Lease.Clause, pick(en, r.Lease.Message, r.Lease.MessageZH))
	for _, l := range r.Lease.Members {
		w("  %s", "  %s", pick(en, l.Message, l.MessageZH)) // messages end with the clause
	}
	for _, f := range r.Flags {
		w("  ！%s", "  ! %s", pick(en, f.Message, f.MessageZH))
	}
	for _, n := range r.Notes {
		w("注：%s %s", "Note: %s %s", pick(en, n.Message, n.MessageZH), n.Clause)
	}
	return englishPunctuation(en, b.String())
}

// asciiPunct turns Chinese punctuation into ASCII for English output:
// clause labels such as （十七）, and names or ids a caller wrote in Chinese.
var asciiPunct = strings.NewReplacer("（", "(", "）", ")", "，", ", ", "；", "; ", "：", ": ", "、", ", ", "。", ". ",
	"“", "\"", "”", "\"", "《", "\"", "》", "\"", "【", "[", "】", "]")

// englishPunctuation returns s with ASCII punctuation when en.
func englishPunctuation(en bool, s string) string {
	if !en {
		return s
	}
	return asciiPunct.Replace(s)
}

// clauseLabel is a profile's clause label, e.g. （五）, with ASCII brackets in
// English text.
func clauseLabel(en bool, c string) string {
	return englishPunctuation(en, c)
}

// Text renders the indicators for a reviewer.
func (r *IndicatorsReport) Text(lang string) string {
	var b strings.Builder
	r.writeFigures(&b, lang == "en")
	writeChecks(&b, r.Checks, lang == "en")
	return englishPunctuation(lang == "en", b.String())
}

// writeFigures writes the measured figures, without the checks.
func (r *IndicatorsReport) writeFigures(b *strings.Builder, en bool) {
	if en {
		fmt.Fprintf(b, "Site indicators (profile %s, area basis: %s)\n", r.Profile, basisLabel(true, r.AreaBasis, r.ZoneEPSG))
		fmt.Fprintf(b, "  site area %s; ellipsoidal %.2f m²\n", geo.FormatArea(r.SiteAreaM2, "en"), r.SiteEllipsoidalAreaM2)
		fmt.Fprintf(b, "  footprints within the site %.2f m²; total floor area %s (%s); floor area counted for the plot ratio %s\n",
			r.FootprintAreaM2, fmtOpt(r.FloorAreaM2, "%.2f m²"), r.FloorAreaSource, fmtOpt(r.FARFloorAreaM2, "%.2f m²"))
	} else {
		fmt.Fprintf(b, "场地指标（配置 %s，面积基准：%s）\n", r.Profile, basisLabel(false, r.AreaBasis, r.ZoneEPSG))
		fmt.Fprintf(b, "  场地面积 %s；椭球面积 %.2f 平方米\n", geo.FormatArea(r.SiteAreaM2, "zh"), r.SiteEllipsoidalAreaM2)
		fmt.Fprintf(b, "  场地内建筑基底面积 %.2f 平方米；总建筑面积 %s（%s）；计容建筑面积 %s\n",
			r.FootprintAreaM2, fmtOpt(r.FloorAreaM2, "%.2f 平方米"), floorSourceZH[r.FloorAreaSource], fmtOpt(r.FARFloorAreaM2, "%.2f 平方米"))
	}
	if len(r.Buildings) > 0 {
		fmt.Fprintf(b, "  %s\n", pick(en, "buildings: label | use | footprint m² | floors | height m | floor area m² (source) | counted for FAR", "建筑：编号 | 用途 | 基底面积 | 层数 | 高度(米) | 建筑面积（来源）| 计容面积"))
		for _, x := range r.Buildings {
			use, src := x.Use, x.FloorAreaSource
			if !en {
				use, src = useZH[use], floorSourceZH[src]
			}
			if !x.OnSite {
				fmt.Fprintf(b, "    %s | %s | %.2f | %s\n", x.Label, orDash(use), x.FootprintAreaM2,
					fmt.Sprintf(pick(en, "only %.1f%% of its footprint is on the site: it belongs elsewhere and is not counted", "基底仅 %.1f%% 位于场地内，不属本场地，不计入"), x.OnSiteShare*100))
				continue
			}
			fmt.Fprintf(b, "    %s | %s | %.2f | %d | %g | %s (%s) | %s\n", x.Label, orDash(use), x.FootprintAreaM2, x.Floors, x.HeightM,
				fmtOpt(x.FloorAreaM2, "%.2f"), src, fmtOpt(x.FARFloorAreaM2, "%.2f"))
		}
	}
	type amt struct {
		zh, en string
		v      *float64
		clause string
	}
	for _, a := range []amt{
		{"应配物业管理用房", "property-management rooms required", r.PropertyRoomsRequiredM2, r.roomsClause},
		{"其中物业办公用房", "of which office", r.PropertyOfficeRequiredM2, r.roomsClause},
		{"其中物业经营用房", "of which business", r.PropertyBusinessRequiredM2, r.roomsClause},
	} {
		fmt.Fprintf(b, "  %s %s %s\n", pick(en, a.en, a.zh), fmtOpt(a.v, pick(en, "%.2f m²", "%.2f 平方米")), clauseLabel(en, a.clause))
	}
	fmt.Fprintf(b, "  %s %s%s%s %s %s\n", pick(en, "maintenance fund", "物业专项维修资金"), fmtOpt(r.MaintenanceFundYuan, pick(en, "%.2f yuan", "%.2f 元")),
		pick(en, "; ", "；"), pick(en, "warranty deposit", "物业保修金"), fmtOpt(r.WarrantyDepositYuan, pick(en, "%.2f yuan", "%.2f 元")), clauseLabel(en, r.fundsClause))
}

func writeChecks(b *strings.Builder, cs []Check, en bool) {
	fmt.Fprintf(b, "%s\n", pick(en, "Checks:", "核查："))
	for _, c := range cs {
		st := c.Status.ZH()
		if en {
			st = string(c.Status)
		}
		fmt.Fprintf(b, "  [%s] %s %s — %s\n", st, c.Clause, pick(en, c.Rule, ruleZH(c.Rule)), pick(en, c.Message, c.MessageZH))
	}
}

// basisLabel names an area basis: the cadastral plane area of the zone, or
// the ellipsoidal area.
func basisLabel(en bool, basis string, epsg int) string {
	if basis == "ellipsoidal" {
		return pick(en, "ellipsoidal (CGCS2000 ellipsoid)", "椭球面积（CGCS2000 椭球）")
	}
	return pick(en, fmt.Sprintf("plane (cadastral, Gauss–Krüger EPSG:%d)", epsg), fmt.Sprintf("平面坐标解析法面积（高斯–克吕格 EPSG:%d）", epsg))
}

// Chinese labels of the report's enums; the English text prints the values.
var (
	denominatorZH = map[string]string{DenominatorMerged: "项目合并总面积（成员宗地 ∪ 纳入地块）", DenominatorMembers: "成员宗地面积"}
	orZH          = map[string]string{OrEither: "满足其一即可", OrBoth: "两项均须满足"}
	floorSourceZH = map[string]string{"declared": "申报", "buildings": "各建筑合计", "buildings (partial)": "各建筑合计（不完整）",
		"unknown": "未知", "footprint×floors": "基底面积×层数"}
	useZH = map[string]string{"": "", string(parcels.UseProduction): "生产", string(parcels.UseOffice): "办公", string(parcels.UseDormitory): "宿舍",
		string(parcels.UseCanteen): "食堂", string(parcels.UseService): "配套服务", string(parcels.UseOther): "其他"}
)

var sourceZH = map[string]string{"transferred": "出让", "allocated": "划拨", "collective": "集体建设用地"}

func pick(en bool, e, zh string) string {
	if en {
		return e
	}
	return zh
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func fmtOpt(v *float64, f string) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf(f, *v)
}
