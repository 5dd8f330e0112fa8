from . import floor_row
