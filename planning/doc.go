// Package planning is landplan's policy engine: the policy profile of a city
// (every threshold of its small and micro enterprise park policy as data, each
// with the clause it comes from), site indicators (area, density, plot ratio,
// non-production shares, property rooms, funds), the clause (十七) leftover-land
// report (边角地、夹心地: touching, grouping, the 3 亩 and 10% tests, gap
// detection, lease alignment, land-source flags) and the park compliance
// report.
//
// planning is pure: it takes domain values (parcels.Parcel, parcels.Building,
// parcels.Piece, orb geometries in CGCS2000 lon/lat) and returns reports. It
// never touches a store or HTTP. All overlay runs on plane metres in the
// profile's Gauss–Krüger zone, so every area it reports is exactly the
// cadastral (坐标解析法) area of the polygon it describes; results are
// unprojected back to lon/lat for output.
//
// Every report has a JSON form (field names are the API's contract) and a
// Text(lang) form, Chinese by default, that lists every number a reviewer
// needs to redo the verdict by hand, with the clause of every rule.
//
// Comparisons with thresholds use areas rounded to the profile's precision
// (0.01 m², as areas are registered and displayed), so a figure shown as
// exactly 2000.00 m² (3 亩) passes a "≤ 3 亩" test, as a reviewer expects.
//
// The clause (十七) report runs independent overlays side by side (hull −
// members with the union of the neighbouring parcels; the merged zone with
// the touch measurements) on two goroutines, since an officer waits for it;
// every report is the same whatever the schedule.
package planning
