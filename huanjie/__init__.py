"""换届通 (huanjie): a county's renewal of its village and community committees."""
