//! Writing a file the clerk named, whole or not at all, shared by the window and the
//! command line; and operating-system errors in the clerk's words.

use std::path::Path;

use anyhow::{Context, bail};

/// Writes the bytes beside the target first and renames them into place, so a full
/// disk or a crash never leaves half a file under the clerk's chosen name.
pub fn write_file_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let file_name = path
        .file_name()
        .with_context(|| format!("“{}”不是文件名", path.display()))?;
    let mut temporary_name = file_name.to_os_string();
    temporary_name.push(format!(".{}.part", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        bail!("无法写入“{}”：{}", path.display(), io_error_text(&error));
    }
    Ok(())
}

/// An operating-system error in the clerk's words, with the system's own after it.
pub fn io_error_text(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let said = match error.kind() {
        ErrorKind::NotFound => "文件或文件夹不存在",
        ErrorKind::PermissionDenied => "没有写入权限",
        ErrorKind::ReadOnlyFilesystem => "磁盘或文件夹是只读的",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::IsADirectory => "这是一个文件夹，不是文件",
        ErrorKind::InvalidFilename => "文件名不合法",
        _ => return error.to_string(),
    };
    format!("{said}（{error}）")
}
