namespace Gantry.Tests.Store;

// The store contract on SQLite: a real database file in a temp folder per test class.
public sealed class SqliteJobStoreTests(SqliteBackend backend) : JobStoreContract(backend), IClassFixture<SqliteBackend>;

public sealed class SqliteTransitionTests(SqliteBackend backend) : TransitionContract(backend), IClassFixture<SqliteBackend>;

public sealed class SqliteListingTests(SqliteBackend backend) : ListingContract(backend), IClassFixture<SqliteBackend>;

public sealed class SqliteUserStoreTests(SqliteBackend backend) : UserStoreContract(backend), IClassFixture<SqliteBackend>;

public sealed class SqliteRegistryTests(SqliteBackend backend) : RegistryContract(backend), IClassFixture<SqliteBackend>;

public sealed class SqliteGroupCommitTests(SqliteBackend backend) : GroupCommitContract(backend), IClassFixture<SqliteBackend>;

public sealed class SqliteLeadershipTests(SqliteBackend backend) : LeadershipContract(backend), IClassFixture<SqliteBackend>;
