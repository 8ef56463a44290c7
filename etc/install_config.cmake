# Runs at install time (etc/CMakeLists.txt sets IKEV2D_CONFIG_SOURCE and
# IKEV2D_CONFIG_DIR): the configuration skeleton, without overwriting what an
# operator already has. file(INSTALL) adds $DESTDIR itself; the other file()
# calls get it here.
set(target "$ENV{DESTDIR}${IKEV2D_CONFIG_DIR}")
set(private_mode OWNER_READ OWNER_WRITE OWNER_EXECUTE)
set(public_mode OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                WORLD_EXECUTE)
foreach(sub cacerts certs crls private)
  if(NOT IS_DIRECTORY "${target}/ipsec.d/${sub}")
    file(MAKE_DIRECTORY "${target}/ipsec.d/${sub}")
    # Keys: root only. The daemon reads them as root without CAP_DAC_OVERRIDE.
    if(sub STREQUAL "private")
      file(CHMOD "${target}/ipsec.d/${sub}" PERMISSIONS ${private_mode})
    else()
      file(CHMOD "${target}/ipsec.d/${sub}" PERMISSIONS ${public_mode})
    endif()
  endif()
endforeach()
foreach(name ipsec.conf ipsec.secrets)
  if(EXISTS "${target}/${name}")
    message(STATUS "Keeping: ${target}/${name}")
    continue()
  endif()
  if(name STREQUAL "ipsec.secrets")
    set(mode OWNER_READ OWNER_WRITE)
  else()
    set(mode OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endif()
  file(INSTALL "${IKEV2D_CONFIG_SOURCE}/${name}" DESTINATION "${IKEV2D_CONFIG_DIR}"
       PERMISSIONS ${mode})
endforeach()
