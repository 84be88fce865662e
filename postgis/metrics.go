package postgis

import (
	"github.com/prometheus/client_golang/prometheus"
)

// The pool's metrics, read from pgxpool.Stat at scrape time.
var (
	pgConns = prometheus.NewDesc("landplan_postgis_pool_connections",
		"PostGIS pool connections by state (acquired, idle, constructing, total).", []string{"state"}, nil)
	pgMaxConns = prometheus.NewDesc("landplan_postgis_pool_max_connections",
		"Cap on PostGIS pool connections.", nil, nil)
	pgAcquires = prometheus.NewDesc("landplan_postgis_pool_acquires_total",
		"Successful connection acquires from the pool.", nil, nil)
	pgAcquireSecs = prometheus.NewDesc("landplan_postgis_pool_acquire_seconds_total",
		"Total time spent acquiring connections from the pool.", nil, nil)
	pgEmptyAcquires = prometheus.NewDesc("landplan_postgis_pool_empty_acquires_total",
		"Acquires that had to wait because no connection was idle.", nil, nil)
	pgEmptyWaitSecs = prometheus.NewDesc("landplan_postgis_pool_empty_acquire_wait_seconds_total",
		"Total time acquires waited because no connection was idle.", nil, nil)
	pgCanceledAcquires = prometheus.NewDesc("landplan_postgis_pool_canceled_acquires_total",
		"Acquires cancelled by their context.", nil, nil)
)

var _ prometheus.Collector = (*DB)(nil)

// Describe implements prometheus.Collector.
func (db *DB) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{pgConns, pgMaxConns, pgAcquires, pgAcquireSecs, pgEmptyAcquires, pgEmptyWaitSecs, pgCanceledAcquires} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (db *DB) Collect(ch chan<- prometheus.Metric) {
	st := db.pool.Stat()
	ch <- prometheus.MustNewConstMetric(pgConns, prometheus.GaugeValue, float64(st.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(pgConns, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(pgConns, prometheus.GaugeValue, float64(st.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(pgConns, prometheus.GaugeValue, float64(st.TotalConns()), "total")
	ch <- prometheus.MustNewConstMetric(pgMaxConns, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(pgAcquires, prometheus.CounterValue, float64(st.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(pgAcquireSecs, prometheus.CounterValue, st.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(pgEmptyAcquires, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(pgEmptyWaitSecs, prometheus.CounterValue, st.EmptyAcquireWaitTime().Seconds())
	ch <- prometheus.MustNewConstMetric(pgCanceledAcquires, prometheus.CounterValue, float64(st.CanceledAcquireCount()))
}
