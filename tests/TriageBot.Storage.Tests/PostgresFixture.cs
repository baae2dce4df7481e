namespace TriageBot.Testing;

/// <summary>
/// The PostgreSQL server of a test run: one throwaway cluster (or the server of
/// <see cref="PostgresTestServer.ExistingServerVariable"/>) for every test class in the collection, stopped and
/// deleted after the last one. When it cannot start, every test in the collection fails with the reason.
/// Also compiled into TriageBot.Tests.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresTestServer Server { get; } = PostgresTestServer.Start();

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
