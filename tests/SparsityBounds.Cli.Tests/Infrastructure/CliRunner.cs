using System.Text.Json;
using SparsityBounds.Cli.Infrastructure;
using Spectre.Console;

namespace SparsityBounds.Cli.Tests.Infrastructure;

/// <summary>Runs the command line in-process with captured, non-interactive consoles (as when output is redirected).</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public JsonElement Json() => JsonDocument.Parse(Output).RootElement;
    }

    public static Outcome Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.RunAsync(args, new CliConsoles(Console(output), Console(error))).GetAwaiter().GetResult();
        return new Outcome(code, output.ToString(), error.ToString());
    }

    private static IAnsiConsole Console(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}

/// <summary>A temporary folder deleted at dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sparsity-bounds-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
