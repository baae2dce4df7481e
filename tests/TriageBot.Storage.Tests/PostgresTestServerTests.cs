using System.Diagnostics;
using Npgsql;
using TriageBot.Testing;

namespace TriageBot.Storage.Tests;

/// <summary>The test infrastructure itself: no silent skip, an existing server, clean-up after a killed run.</summary>
public sealed class PostgresTestServerTests : IDisposable
{
    private readonly string _emptyFolder = Directory.CreateTempSubdirectory("triagebot-no-pg-").FullName;

    [Fact]
    public void Start_NoBinariesAndNoServer_FailsSayingToRunTestSh()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PostgresTestServer.Start(existingServer: null, binariesRoot: _emptyFolder));

        Assert.Contains("PostgreSQL server binaries were not found", ex.Message);
        Assert.Contains("./test.sh", ex.Message);
        Assert.Contains(PostgresTestServer.ExistingServerVariable, ex.Message);
    }

    [Fact]
    public void Start_ExistingServer_UsesItsConnectionStringAndStartsNothing()
    {
        using var server = PostgresTestServer.Start("Host=127.0.0.1;Port=1;Username=u", binariesRoot: _emptyFolder);

        Assert.Equal("Host=127.0.0.1;Port=1;Username=u", server.ConnectionString);
        Assert.Null(server.ClusterDirectory);
    }

    [Fact]
    public async Task Start_ClusterLeftByAKilledRun_IsStoppedAndDeleted()
    {
        using var orphan = PostgresTestServer.Start(existingServer: null, PostgresTestServer.BinariesRoot);
        var folder = orphan.ClusterDirectory!;
        await using (var connection = new NpgsqlConnection(orphan.ConnectionString))
        {
            await connection.OpenAsync();
        }

        // Pretend its owner died: the process id of one that has exited.
        using (var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            await exited.WaitForExitAsync();
            await File.WriteAllTextAsync(Path.Combine(folder, "owner.pid"), exited.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using (PostgresTestServer.Start(existingServer: null, PostgresTestServer.BinariesRoot))
        {
            Assert.False(Directory.Exists(folder));
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(orphan.ConnectionString);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
        }
    }

    public void Dispose() => Directory.Delete(_emptyFolder, recursive: true);
}
