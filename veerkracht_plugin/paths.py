"""Where the plugin's files live, so every module finds styles and resources the same way."""

from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent.parent
RESOURCES_DIR = PLUGIN_DIR / "resources"
STYLES_DIR = PLUGIN_DIR / "styles"
SAMPLE_DATA_DIR = RESOURCES_DIR / "sample_data"
ICON_PATH = RESOURCES_DIR / "icon.svg"  # the plugin, and making maps
DOCK_ICON_PATH = RESOURCES_DIR / "icons" / "dock.svg"
ATLAS_ICON_PATH = RESOURCES_DIR / "icons" / "atlas.svg"
CATALOGUE_PATH = RESOURCES_DIR / "kaarten.json"
