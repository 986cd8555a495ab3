package app_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/apptest"
	"herald/config"
	"herald/pgtest"
	"herald/store/postgres"
)

// The tasks that run for as long as a replica holds them (the profiles'
// announcement runs once, the ownership check is off in these tests).
var heldTasks = []string{"follower-history", "relays", "signature-pruning"}

// taskLeaseTime is the replicas' lease_time in these tests: above the
// fetch timeout (2 s), as Herald requires, and short, so that a dead
// holder's task is taken over soon.
const taskLeaseTime = 4 * time.Second

// sql runs statement on the database at url and returns the rows of the
// first column as strings.
func sql(t *testing.T, url, statement string, args ...any) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := pgtest.Connect(t, url)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, statement, args...)
	if err != nil {
		t.Fatal(err)
	}
	values, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return values
}

// recordTaskClaims makes the database log every owner the task leases get
// (task_claims), so that a test sees which replicas ran a task.
func recordTaskClaims(t *testing.T, url string) {
	t.Helper()
	sql(t, url, `CREATE TABLE task_claims (name text, owner text, seq bigserial)`)
	sql(t, url, `CREATE FUNCTION log_task_claim() RETURNS trigger AS $$
		BEGIN INSERT INTO task_claims (name, owner) VALUES (NEW.name, NEW.owner); RETURN NEW; END $$ LANGUAGE plpgsql`)
	sql(t, url, `CREATE TRIGGER task_claims AFTER INSERT OR UPDATE ON task_leases FOR EACH ROW EXECUTE FUNCTION log_task_claim()`)
}

// taskClaimers returns the replicas that claimed the task name, in the
// order of their first claim.
func taskClaimers(t *testing.T, url, name string) []string {
	t.Helper()
	return sql(t, url, `SELECT owner FROM task_claims WHERE name = $1 AND owner <> '' GROUP BY owner ORDER BY min(seq)`, name)
}

// taskHolder returns the replica holding the task name's lease now, or "".
func taskHolder(t *testing.T, url, name string) string {
	t.Helper()
	owners := sql(t, url, `SELECT owner FROM task_leases WHERE name = $1 AND until > now()`, name)
	if len(owners) == 0 {
		return ""
	}
	return owners[0]
}

// replicaConfig is a config for replicas on the database at url, with
// the short lease and the operator's token.
func replicaConfig(t *testing.T, url string, feedURL string) *config.Config {
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feedURL})
	cfg.DatabaseURL = url
	cfg.LeaseTime = config.Duration(taskLeaseTime)
	cfg.AdminTokens = []config.AdminToken{{Token: apptest.OperatorToken, Role: config.RoleOperator}}
	return cfg
}

// taskTakeovers reads herald_lease_takeovers_total{kind="task"} from h.
func taskTakeovers(t *testing.T, h *apptest.Herald) int {
	t.Helper()
	resp, body := apptest.AdminGet(t, "http://"+h.Addr()+"/metrics", apptest.OperatorToken)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: HTTP %d", resp.StatusCode)
	}
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, `herald_lease_takeovers_total{kind="task"} `); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no task takeovers in /metrics")
	return 0
}

// TestTaskLeasesReplicas: two replicas on one PostgreSQL database. Each
// task is held by one of them; a task whose holder died (its lease left
// in the database) is taken over when the lease ends, and counted; when
// a holder stops, the other takes its tasks over.
func TestTaskLeasesReplicas(t *testing.T) {
	url := pgtest.Database(t)
	dead, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dead.ClaimTask("follower-history", "dead-replica", time.Now(), time.Now().Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	dead.Close()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := replicaConfig(t, url, feed.URL)
	first := apptest.Start(t, cfg, nil)
	second := apptest.Start(t, apptest.ReplicaConfig(t, cfg), nil)
	replicas := []string{first.App().Replica(), second.App().Replica()}
	apptest.Eventually(t, 30*time.Second, "every task held by a replica", func() bool {
		for _, name := range heldTasks {
			if !slices.Contains(replicas, taskHolder(t, url, name)) {
				return false
			}
		}
		return true
	})
	if n := taskTakeovers(t, first) + taskTakeovers(t, second); n != 1 {
		t.Errorf("%d task takeovers counted, want 1 (the dead replica's)", n)
	}
	holder, other := first, second
	if taskHolder(t, url, "relays") == replicas[1] {
		holder, other = second, first
	}
	holder.Stop()
	apptest.Eventually(t, 30*time.Second, "the other replica holding every task", func() bool {
		for _, name := range heldTasks {
			if taskHolder(t, url, name) != other.App().Replica() {
				return false
			}
		}
		return true
	})
}
