namespace Gantry.Store;

/// <summary>
/// Files and folders under the data folder are Gantry's alone: folders are created 0700 and files 0600, so other
/// accounts on the machine cannot read the database, its WAL, blobs or users' inputs. (On Windows the folder's ACL applies.)
/// </summary>
public static class DataFolder
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the data folder (0700) if missing; a folder Gantry finds already there keeps its mode.</summary>
    public static void Create(string path) => CreateDirectory(path);

    /// <summary>Creates a folder and any missing parents, each 0700.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // Directory.CreateDirectory gives the mode to the last folder only; each missing parent gets it here.
            var missing = new Stack<string>();
            for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
            {
                missing.Push(folder);
                if (Path.GetDirectoryName(folder) is null)
                {
                    break;
                }
            }

            while (missing.TryPop(out var folder))
            {
                Directory.CreateDirectory(folder, FolderMode);
            }
        }
    }

    /// <summary>A new file (it must not exist) open for writing, 0600.</summary>
    public static FileStream CreatePrivateFile(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 81920,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return new FileStream(path, options);
    }

    /// <summary>
    /// Makes sure a file Gantry owns is 0600: creates it empty when missing, and tightens an existing one (a database
    /// from an older version). SQLite gives its -wal and -shm files the mode of the database file.
    /// </summary>
    public static void EnsurePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            });
        }
        else if ((File.GetUnixFileMode(path) & ~FileMode) != 0)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
