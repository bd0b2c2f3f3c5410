namespace Gantry.Tests.Store;

// The store contract on PostgreSQL: a fresh database per test class on the server of GANTRY_TEST_POSTGRES
// (skipped when it is not set, failed when CI is set).
public sealed class PostgresJobStoreTests(PostgresBackend backend) : JobStoreContract(backend), IClassFixture<PostgresBackend>;

public sealed class PostgresTransitionTests(PostgresBackend backend) : TransitionContract(backend), IClassFixture<PostgresBackend>;

public sealed class PostgresListingTests(PostgresBackend backend) : ListingContract(backend), IClassFixture<PostgresBackend>;

public sealed class PostgresUserStoreTests(PostgresBackend backend) : UserStoreContract(backend), IClassFixture<PostgresBackend>;

public sealed class PostgresRegistryTests(PostgresBackend backend) : RegistryContract(backend), IClassFixture<PostgresBackend>;

public sealed class PostgresGroupCommitTests(PostgresBackend backend) : GroupCommitContract(backend), IClassFixture<PostgresBackend>;

public sealed class PostgresLeadershipTests(PostgresBackend backend) : LeadershipContract(backend), IClassFixture<PostgresBackend>;
