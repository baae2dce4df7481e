using System.Net;
using System.Net.Sockets;

namespace TriageBot.EndToEnd.Harness;

internal static class FreePort
{
    /// <summary>A TCP port that was free on 127.0.0.1 a moment ago. Callers must handle losing the race.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
