package delivery

import (
	"context"
	"time"
)

// The Deliverer's side of sharing a store with other replicas: the claims
// on the jobs in flight are renewed every third of the lease, the breaker
// states that other replicas stored are taken in every hostSync, and at
// shutdown the claims left (jobs cut by shutdown) are released, so that
// another replica sends them at once instead of after the lease.

// hostSync is how often the Deliverer reads the host states that other
// replicas stored.
const hostSync = 5 * time.Second

// keepClaims renews the claims of the jobs in flight and takes the host
// states of other replicas until ctx is cancelled.
func (d *Deliverer) keepClaims(ctx context.Context) {
	renew := time.NewTicker(max(d.o.Lease/3, 10*time.Millisecond))
	defer renew.Stop()
	hosts := time.NewTicker(hostSync)
	defer hosts.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-renew.C:
			d.renewClaims()
		case <-hosts.C:
			d.syncHosts()
		}
	}
}

// renewClaims moves the lease end of every job in flight one lease ahead.
func (d *Deliverer) renewClaims() {
	jobs := d.inFlightJobs()
	if len(jobs) == 0 {
		return
	}
	held, err := d.o.Store.RenewClaims(d.o.Replica, jobs, d.o.Now().Add(d.o.Lease))
	switch {
	case err != nil:
		d.o.Log.Error("renew claims on deliveries", "jobs", len(jobs), "error", err)
	case held < len(jobs):
		// Jobs finish while the renewal runs; a claim taken over shows
		// when the outcome is refused.
		d.o.Log.Debug("renewed claims on deliveries", "jobs", len(jobs), "held", held)
	}
}

// syncHosts takes the host states that other replicas stored.
func (d *Deliverer) syncHosts() {
	saved, err := d.o.Store.Hosts()
	if err != nil {
		d.o.Log.Warn("read host states", "error", err)
		return
	}
	d.hosts.merge(saved)
}

// releaseAll releases the claims left at shutdown.
func (d *Deliverer) releaseAll() {
	n, err := d.o.Store.ReleaseAllClaims(d.o.Replica)
	if err != nil {
		d.o.Log.Warn("release claims at shutdown; they end with their lease", "error", err)
		return
	}
	if n > 0 {
		d.o.Log.Info("released claims on deliveries at shutdown", "jobs", n)
	}
}

// countTakeovers counts jobs claimed after another replica's claim ended.
func (d *Deliverer) countTakeovers(n int) {
	if n == 0 {
		return
	}
	d.o.Log.Info("took over deliveries whose claim had ended", "jobs", n)
	if d.o.Metrics != nil {
		d.o.Metrics.LeaseTakeovers.WithLabelValues("job").Add(float64(n))
	}
}
