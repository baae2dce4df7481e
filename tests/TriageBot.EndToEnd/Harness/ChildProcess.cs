using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// A child process whose stdout and stderr are captured line by line. Disposing kills the whole
/// process tree, so nothing a test starts outlives it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Action<string>? _onLine;
    private readonly string _name;
    private bool _disposed;
    private bool _exitConfirmed;

    private ChildProcess(Process process, string name, Action<string>? onLine)
    {
        _process = process;
        _name = name;
        _onLine = onLine;
    }

    public int Id => _process.Id;

    public bool HasExited => _disposed ? _exitConfirmed : _process.HasExited;

    public Task Exited => _process.WaitForExitAsync();

    /// <summary>The last lines the process wrote, stdout and stderr interleaved.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _tail);

    /// <summary>Starts <paramref name="fileName"/>; <paramref name="environment"/> entries override the
    /// inherited environment and a null value removes the variable.</summary>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        string name,
        Action<string>? onLine)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name, onLine);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{fileName}' ({name}); is it installed and on PATH?", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the process to exit; returns its exit code, or null if it was still running at the timeout.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (TimeoutException)
        {
            // Kill is asynchronous on Linux; a process stuck in uninterruptible sleep is reported by the caller's assertions.
        }
        finally
        {
            _exitConfirmed = IsExitedSafe();
            _disposed = true;
            _process.Dispose();
        }
    }

    private bool IsExitedSafe()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > TailLines && _tail.TryDequeue(out _))
        {
        }

        try
        {
            _onLine?.Invoke($"[{_name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // xunit's ITestOutputHelper throws once the test has finished; late output is dropped.
        }
    }
}
